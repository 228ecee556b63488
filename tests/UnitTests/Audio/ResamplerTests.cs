using System.Text.Json;
using EmotionRecognition.Application.Audio;

namespace EmotionRecognition.UnitTests.Audio;

public sealed class ResamplerTests
{
    [TestCase(16000, 22050, 40000, 55125)]
    [TestCase(48000, 22050, 120000, 55125)]
    [TestCase(44100, 22050, 110250, 55125)]
    [TestCase(8000, 22050, 7, 20)]       // ⌈7·2.75625⌉ = 20 while resampy yields ⌊19.29⌋ = 19: zero-padded
    [TestCase(48000, 22050, 1, 1)]       // resampy yields 0 samples; librosa pads to ⌈0.46⌉ = 1
    public void Resample_Length_IsCeilingOfScaledLength(int fromHz, int toHz, int inputLength, int expectedLength)
    {
        var output = Resampler.Resample(new float[inputLength], fromHz, toHz);

        Assert.That(output, Has.Length.EqualTo(expectedLength));
    }

    [Test]
    public void Resample_EmptyInput_IsEmpty()
    {
        Assert.That(Resampler.Resample([], 16000, 22050), Is.Empty);
    }

    [Test]
    public void Resample_SameRate_ReturnsACopy()
    {
        float[] input = [0.1f, -0.2f, 0.3f];

        var output = Resampler.Resample(input, 22050, 22050);

        Assert.That(output, Is.EqualTo(input));
        Assert.That(output, Is.Not.SameAs(input));
    }

    [Test]
    public void Resample_DownByMoreThan512To1_IsRejected()
    {
        Assert.That(() => Resampler.Resample(new float[10], 22050 * 513, 22050), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [TestCase(16000, 22050)]
    [TestCase(48000, 22050)]
    [TestCase(44100, 22050)]
    public void Resample_LowSine_KeepsAmplitudeAndPhase(int fromHz, int toHz)
    {
        // A 440 Hz sine is far below both Nyquist frequencies: away from the edges the output is the
        // same sine sampled at the new rate, up to the filter's passband ripple.
        const double frequencyHz = 440;
        var input = Enumerable.Range(0, fromHz).Select(n => (float)Math.Sin(2 * Math.PI * frequencyHz * n / fromHz)).ToArray();

        var output = Resampler.Resample(input, fromHz, toHz);

        var worst = 0.0;
        for (var t = toHz / 10; t < toHz * 9 / 10; t++)
            worst = Math.Max(worst, Math.Abs(output[t] - Math.Sin(2 * Math.PI * frequencyHz * t / toHz)));
        Assert.That(worst, Is.LessThan(2e-3));
    }

    [Test]
    public void Resample_Downsampling_RemovesToneAboveNewNyquist()
    {
        // 15 kHz at 48 kHz lies above 22.05 kHz's Nyquist (11.025 kHz): the filter must remove it.
        var input = Enumerable.Range(0, 48000).Select(n => (float)Math.Sin(2 * Math.PI * 15000 * n / 48000.0)).ToArray();

        var output = Resampler.Resample(input, 48000, 22050);

        var rms = Math.Sqrt(output.Skip(2205).Take(17640).Average(v => (double)v * v));
        Assert.That(rms, Is.LessThan(1e-3));
    }

    [Test]
    public void Resample_Tone16kHzSlice_MatchesResampyDump()
    {
        // The compat window of tone_16000_s16.wav, resampled by resampy inside librosa (debug dump).
        // The reference port reproduces it bit for bit; ours but for rare one-ulp roundings.
        using var json = JsonDocument.Parse(File.ReadAllText(
            Path.Combine(TestData.GoldenJsonDirectory, "debug", "tone_16000_s16.sr22050.orig.constant.json")));
        var signal = json.RootElement.GetProperty("signal");
        var clip = WavReader.ReadFile(TestData.GoldenWav("tone_16000_s16.wav"));
        var slice = clip.Samples.AsSpan(16000, 40000);

        var reference = ResampyReference.Resample(slice, 16000, 22050);
        var output = Resampler.Resample(slice, 16000, 22050);

        Assert.That(output, Has.Length.EqualTo(signal.GetProperty("n_samples").GetInt32()));
        var first = signal.GetProperty("first16").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var last = signal.GetProperty("last16").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (var i = 0; i < 16; i++)
        {
            Assert.That(reference[i], Is.EqualTo(first[i]).Within(1e-7), $"reference sample {i}");
            Assert.That(reference[^(16 - i)], Is.EqualTo(last[i]).Within(1e-7), $"reference sample {output.Length - 16 + i}");
            Assert.That(output[i], Is.EqualTo(first[i]).Within(1.2e-7), $"sample {i}");
            Assert.That(output[^(16 - i)], Is.EqualTo(last[i]).Within(1.2e-7), $"sample {output.Length - 16 + i}");
        }

        var sum = signal.GetProperty("sum_f64").GetDouble();
        Assert.That(reference.Sum(v => (double)v), Is.EqualTo(sum).Within(1e-9));
        Assert.That(output.Sum(v => (double)v), Is.EqualTo(sum).Within(1e-6));
    }

    [TestCase(48000, 22050)]
    [TestCase(44100, 22050)]
    [TestCase(16000, 22050)]
    [TestCase(8000, 22050)]
    [TestCase(32000, 22050)]   // not tabled in advance: a table per call
    [TestCase(22050, 16000)]
    [TestCase(44099, 22050)]   // 22 050 phases: kernels built block by block
    public void Resample_Speech_MatchesResampyButForRareLastBitRoundings(int fromHz, int toHz)
    {
        // Same weights, products and float32 running sum in resampy's order; only where the last bits
        // of a weight (exact phase fraction against resampy's rounded t/ρ) decide a float32 rounding
        // can a sample differ, by one float32 ulp.
        var speech = WavReader.ReadFile(TestData.GoldenWav("speech_22050_s16.wav"));
        var input = ResampyReference.Resample(speech.Samples, speech.SampleRateHz, fromHz);

        var expected = ResampyReference.Resample(input, fromHz, toHz);
        var actual = Resampler.Resample(input, fromHz, toHz);

        Assert.That(actual, Has.Length.EqualTo(expected.Length));
        var peak = input.Max(Math.Abs);
        var worst = 0.0;
        var differing = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]));
            differing += actual[i] == expected[i] ? 0 : 1;
        }

        TestContext.Out.WriteLine($"{fromHz} -> {toHz}: {differing} of {actual.Length} samples differ, worst |ours - resampy| = {worst:E2}, peak {peak:F3}");
        Assert.That(worst, Is.LessThanOrEqualTo(2 * MathF.BitIncrement(peak) - 2 * peak));
        Assert.That(differing, Is.LessThan(actual.Length / 1000));
    }

    [TestCase(48000, 22050)]
    [TestCase(8000, 22050)]
    [TestCase(32000, 22050)]   // a table per call
    [TestCase(44099, 22050)]   // one period per segment, rows per output
    public void Resample_LongClip_EachOutputIsTheSameWhereverTheBlocksAreCut(int fromHz, int toHz)
    {
        // A long clip is resampled in blocks of whole periods; a prefix of it has other block and segment
        // boundaries. Every output's terms do not depend on them, so the outputs agree bit for bit wherever the
        // prefix's signal reaches (its last outputs read zeros past the prefix's end instead of the clip).
        var random = new Random(20261202);
        var clip = new float[fromHz * 40];
        for (var i = 0; i < clip.Length; i++)
            clip[i] = (float)(0.5 * Math.Sin(i * 0.013) + 0.2 * (random.NextDouble() - 0.5));
        var prefixLength = clip.Length / 3 + 12_345;

        var whole = Resampler.Resample(clip, fromHz, toHz);
        var prefix = Resampler.Resample(clip.AsSpan(0, prefixLength), fromHz, toHz);

        var reachedBySignal = prefix.Length - 200;
        Assert.That(whole.AsSpan(0, reachedBySignal).SequenceEqual(prefix.AsSpan(0, reachedBySignal)), Is.True);
        Assert.That(whole.AsSpan(0, reachedBySignal).ToArray().Max(Math.Abs), Is.GreaterThan(0.3f), "a signal, not zeros");
    }
}
