using EmotionRecognition.Trainer.Conditions;

namespace EmotionRecognition.IntegrationTests.Conditions;

[TestFixture]
internal sealed class RoomEchoTests
{
    [TestCase(0.3)]
    [TestCase(0.7)]
    public void ImpulseResponse_DecaysBy60DbOverItsRt60(double rt60Seconds)
    {
        var rate = ConditionClips.RateHz;
        var response = new RoomEcho(rt60Seconds).ImpulseResponse(rate, new Random(4));

        // Least-squares slope of the tail's energy in 10 ms windows, in dB per second.
        var window = rate / 100;
        var points = response.Skip((int)(RoomEcho.ReflectionDelaySeconds * rate) + 1).Chunk(window).Where(c => c.Length == window)
            .Select((c, i) => (Seconds: (i + 0.5) * window / rate, Db: 10 * Math.Log10(c.Average(h => h * h)))).ToArray();
        var meanT = points.Average(p => p.Seconds);
        var meanDb = points.Average(p => p.Db);
        var slope = points.Sum(p => (p.Seconds - meanT) * (p.Db - meanDb)) / points.Sum(p => (p.Seconds - meanT) * (p.Seconds - meanT));

        Assert.That(slope * rt60Seconds, Is.EqualTo(-60).Within(3));
        Assert.That(response[0], Is.EqualTo(1), "direct path");
    }

    [Test]
    public void Apply_KeepsLengthAndPeakAndIsSeeded()
    {
        var clean = ConditionClips.Voiced();
        var echo = new RoomEcho(0.7);

        var first = echo.Apply(clean, 1, ConditionClips.SyntheticSpeakers);
        var again = echo.Apply(clean, 1, ConditionClips.SyntheticSpeakers);
        var other = echo.Apply(clean, 2, ConditionClips.SyntheticSpeakers);

        Assert.That(first.Samples, Has.Length.EqualTo(clean.Samples.Length));
        Assert.That(first.Samples.Max(Math.Abs), Is.EqualTo(clean.Samples.Max(Math.Abs)).Within(1e-6));
        Assert.That(again.Samples, Is.EqualTo(first.Samples));
        Assert.That(other.Samples, Is.Not.EqualTo(first.Samples));
        // The tail rings on into the trailing silence.
        Assert.That(first.Samples[(int)(2.6 * ConditionClips.RateHz)..].Max(Math.Abs), Is.GreaterThan(1e-3));
    }

    [Test]
    public void Convolve_MatchesDirectConvolution()
    {
        var x = NoiseSignals.White(300, new Random(8));
        double[] h = [1, 0.5, -0.25, 0.125];

        var fast = Fft.Convolve(x, h);

        for (var n = 0; n < x.Length; n++)
        {
            double direct = 0;
            for (var k = 0; k < h.Length && k <= n; k++)
                direct += h[k] * x[n - k];
            Assert.That(fast[n], Is.EqualTo(direct).Within(1e-9));
        }
    }
}
