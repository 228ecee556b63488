using System.Numerics;
using EmotionRecognition.Application.Features;
using MathNet.Numerics.IntegralTransforms;

namespace EmotionRecognition.UnitTests.Features;

public sealed class RealFftTests
{
    [TestCase(4)]
    [TestCase(8)]
    [TestCase(64)]
    [TestCase(512)]
    [TestCase(2048)]
    [TestCase(8192)]
    public void Forward_RandomFrame_MatchesMathNet(int size)
    {
        var random = new Random(size);
        var frame = Enumerable.Range(0, size).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var oracle = frame.Select(v => new Complex(v, 0)).ToArray();
        Fourier.Forward(oracle, FourierOptions.Matlab);   // unscaled, e^(−2πikn/N)
        var fft = new RealFft(size);
        var real = new double[fft.BinCount];
        var imaginary = new double[fft.BinCount];

        fft.Forward(frame, real, imaginary);

        var tolerance = 1e-12 * size;
        for (var k = 0; k < fft.BinCount; k++)
        {
            Assert.That(real[k], Is.EqualTo(oracle[k].Real).Within(tolerance), $"Re X[{k}]");
            Assert.That(imaginary[k], Is.EqualTo(oracle[k].Imaginary).Within(tolerance), $"Im X[{k}]");
        }
    }

    [Test]
    public void BinCount_IsHalfSizePlusOne()
    {
        Assert.That(new RealFft(2048).BinCount, Is.EqualTo(1025));
    }

    [TestCase(100)]
    [TestCase(440)]
    [TestCase(1)]
    [TestCase(1000)]
    public void PowerSpectrum_SineOnABinCentre_PeaksInThatBin(int bin)
    {
        // A sine of exactly `bin` cycles per frame puts all its power, (N/2)², into bin `bin`.
        const int size = 2048;
        var frame = Enumerable.Range(0, size).Select(n => Math.Sin(2 * Math.PI * bin * n / size)).ToArray();
        var fft = new RealFft(size);
        var power = new double[fft.BinCount];

        fft.PowerSpectrum(frame, power);

        Assert.That(Array.IndexOf(power, power.Max()), Is.EqualTo(bin));
        Assert.That(power[bin], Is.EqualTo(size * size / 4.0).Within(1e-6));
        Assert.That(power.Where((_, k) => k != bin).Max(), Is.LessThan(1e-12 * size * size));
    }

    [Test]
    public void PowerSpectrum_22050HzSampled1kHzSine_PeaksAtNearestBin()
    {
        // Bin k is k·sr/N Hz: 1000 Hz at 22 050 Hz with N = 2048 lies at bin 92.88 → peak in bin 93.
        const int size = 2048;
        var window = Window.PeriodicHann(size);
        var frame = Enumerable.Range(0, size).Select(n => window[n] * Math.Sin(2 * Math.PI * 1000 * n / 22050.0)).ToArray();
        var fft = new RealFft(size);
        var power = new double[fft.BinCount];

        fft.PowerSpectrum(frame, power);

        Assert.That(Array.IndexOf(power, power.Max()), Is.EqualTo(93));
    }

    [Test]
    public void PowerSpectrum_IsNonNegativeAndSatisfiesParseval()
    {
        const int size = 1024;
        var random = new Random(7);
        var frame = Enumerable.Range(0, size).Select(_ => random.NextDouble() - 0.5).ToArray();
        var fft = new RealFft(size);
        var power = new double[fft.BinCount];

        fft.PowerSpectrum(frame, power);

        // Σ x² = (1/N) Σ over all N bins |X|²; bins 1..N/2−1 appear twice (conjugate symmetry).
        var spectralEnergy = (power[0] + power[size / 2] + 2 * power[1..(size / 2)].Sum()) / size;
        Assert.That(power, Has.All.GreaterThanOrEqualTo(0.0));
        Assert.That(spectralEnergy, Is.EqualTo(frame.Sum(v => v * v)).Within(1e-9));
    }

    [Test]
    public void PowerSpectrum_Constant_IsAllInDc()
    {
        var fft = new RealFft(16);
        var power = new double[fft.BinCount];

        fft.PowerSpectrum(Enumerable.Repeat(0.5, 16).ToArray(), power);

        Assert.That(power[0], Is.EqualTo(64.0).Within(1e-12));
        Assert.That(power[1..], Has.All.EqualTo(0.0).Within(1e-24));
    }

    [TestCase(0)]
    [TestCase(2)]
    [TestCase(1000)]
    [TestCase(-8)]
    public void Constructor_SizeNotAPowerOfTwoAtLeast4_IsRejected(int size)
    {
        Assert.That(() => new RealFft(size), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Forward_WrongFrameLength_IsRejected()
    {
        var fft = new RealFft(8);

        Assert.That(() => fft.Forward(new double[7], new double[5], new double[5]), Throws.ArgumentException);
    }
}
