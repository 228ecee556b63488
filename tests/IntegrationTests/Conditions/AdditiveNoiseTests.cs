using EmotionRecognition.Trainer.Conditions;

namespace EmotionRecognition.IntegrationTests.Conditions;

[TestFixture]
internal sealed class AdditiveNoiseTests
{
    private static readonly NoiseKind[] Kinds = Enum.GetValues<NoiseKind>();

    [TestCaseSource(nameof(Kinds))]
    public void Apply_SameSeed_GivesIdenticalSamples(NoiseKind kind)
    {
        var clean = ConditionClips.Voiced();
        var condition = new AdditiveNoise(kind, 10);

        var first = condition.Apply(clean, 1234, ConditionClips.SyntheticSpeakers);
        var second = condition.Apply(clean, 1234, ConditionClips.SyntheticSpeakers);

        Assert.That(second.Samples, Is.EqualTo(first.Samples));
    }

    [TestCaseSource(nameof(Kinds))]
    public void Apply_DifferentSeed_GivesDifferentNoise(NoiseKind kind)
    {
        var clean = ConditionClips.Voiced();
        var condition = new AdditiveNoise(kind, 10);

        var first = condition.Apply(clean, 1, ConditionClips.SyntheticSpeakers);
        var second = condition.Apply(clean, 2, ConditionClips.SyntheticSpeakers);

        Assert.That(second.Samples, Is.Not.EqualTo(first.Samples));
    }

    [Test]
    public void Apply_NeverWritesTheCleanClip()
    {
        var clean = ConditionClips.Voiced();
        var copy = clean.Samples.ToArray();

        new AdditiveNoise(NoiseKind.Babble, 5).Apply(clean, 7, ConditionClips.SyntheticSpeakers);

        Assert.That(clean.Samples, Is.EqualTo(copy));
    }

    [Test]
    public void Apply_AchievesTheTargetSnrWithin0Point2Db(
        [ValueSource(nameof(Kinds))] NoiseKind kind, [Values(30, 20, 10, 5, 0)] double snrDb)
    {
        var clean = ConditionClips.Voiced();

        var noisy = new AdditiveNoise(kind, snrDb).Apply(clean, 99, ConditionClips.SyntheticSpeakers);

        var noise = noisy.Samples.Select((s, i) => s - clean.Samples[i]).ToArray();
        var achieved = SpeechLevel.SnrDb(clean.Samples, noise, clean.SampleRateHz);
        Assert.That(achieved, Is.EqualTo(snrDb).Within(0.2));
        Assert.That(noisy.SampleRateHz, Is.EqualTo(clean.SampleRateHz));
        Assert.That(noisy.Samples, Has.Length.EqualTo(clean.Samples.Length));
        ConditionClips.AssertFinite(noisy);
    }

    [Test]
    public void Apply_BrownNoise_HasNoDcDrift()
    {
        var clean = new Application.Audio.AudioClip(new float[4 * ConditionClips.RateHz], ConditionClips.RateHz);
        clean.Samples[0] = 0.5f;

        var noise = new AdditiveNoise(NoiseKind.Brown, 0).Apply(clean, 5, ConditionClips.SyntheticSpeakers).Samples;

        // A leaky-free integrator would wander; the 20 Hz cut leaves each quarter's mean small against the noise's spread.
        var rms = Math.Sqrt(noise.Average(s => (double)s * s));
        foreach (var quarter in noise.Chunk(noise.Length / 4))
            Assert.That(Math.Abs(quarter.Average(s => (double)s)), Is.LessThan(0.2 * rms));
    }

    [Test]
    public void Apply_PinkNoise_FallsThreeDbPerOctave()
    {
        var noise = NoiseSignals.Coloured(1 << 17, 1, ConditionClips.RateHz, new Random(3));

        double Band(double lowHz) => BandPower(noise, lowHz, 2 * lowHz);
        // Equal power per octave: 1/f power integrated over [f, 2f] is the same for every f.
        Assert.That(10 * Math.Log10(Band(200) / Band(3200)), Is.EqualTo(0).Within(1.0));
    }

    [Test]
    public void Apply_Bursts_AreSilentBetweenBursts()
    {
        var noise = NoiseSignals.Bursts(4 * ConditionClips.RateHz, ConditionClips.RateHz, new Random(11));

        var frame = ConditionClips.RateHz / 100;
        var silentFrames = noise.Chunk(frame).Count(f => f.All(s => s == 0));
        Assert.That(silentFrames, Is.GreaterThan(10), "gaps between bursts");
        Assert.That(silentFrames, Is.LessThan(noise.Length / frame - 10), "bursts");
    }

    private static double BandPower(float[] signal, double lowHz, double highHz)
    {
        double[] real = signal.Select(s => (double)s).ToArray(), imaginary = new double[signal.Length];
        Fft.Transform(real, imaginary, inverse: false);
        double sum = 0;
        for (var k = 1; k < signal.Length / 2; k++)
        {
            var hz = (double)k * ConditionClips.RateHz / signal.Length;
            if (hz >= lowHz && hz < highHz)
                sum += real[k] * real[k] + imaginary[k] * imaginary[k];
        }
        return sum;
    }
}
