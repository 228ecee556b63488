using EmotionRecognition.Application.Audio;
using EmotionRecognition.Trainer.Conditions;

namespace EmotionRecognition.IntegrationTests.Conditions;

[TestFixture]
internal sealed class BandLimitTests
{
    [TestCase(8000)]
    [TestCase(16000)]
    public void Apply_LeavesNoEnergyAboveTheNewNyquist(int rateHz)
    {
        var white = new AudioClip(NoiseSignals.White(1 << 16, new Random(1)).Select(s => 0.1f * s).ToArray(), ConditionClips.RateHz);

        var limited = new BandLimit(rateHz).Apply(white, 0, ConditionClips.SyntheticSpeakers);

        Assert.That(limited.Samples, Has.Length.EqualTo(white.Samples.Length));
        var (below, above) = Split(limited.Samples, rateHz / 2.0);
        Assert.That(10 * Math.Log10(above / below), Is.LessThan(-40));
    }

    [Test]
    public void Apply_KeepsTheBandBelowTheCutoff()
    {
        var tone = new AudioClip(Enumerable.Range(0, 1 << 15).Select(i => (float)(0.5 * Math.Sin(2 * Math.PI * 1000 * i / ConditionClips.RateHz))).ToArray(), ConditionClips.RateHz);

        var limited = new BandLimit(8000).Apply(tone, 0, ConditionClips.SyntheticSpeakers);

        // Away from the edges, where the filter sees the clip's ends.
        Assert.That(ConditionClips.SnrDb(tone.Samples[1000..^1000], limited.Samples[1000..^1000]), Is.GreaterThan(30));
    }

    [Test]
    public void Apply_ClipAlreadyAtTheRate_IsUnchanged()
    {
        var clip = new AudioClip([0.1f, -0.2f, 0.3f], 8000);

        Assert.That(new BandLimit(8000).Apply(clip, 0, ConditionClips.SyntheticSpeakers).Samples, Is.EqualTo(clip.Samples));
    }

    private static (double Below, double Above) Split(float[] signal, double cutoffHz)
    {
        double[] real = signal.Select(s => (double)s).ToArray(), imaginary = new double[signal.Length];
        Fft.Transform(real, imaginary, inverse: false);
        double below = 0, above = 0;
        for (var k = 1; k < signal.Length / 2; k++)
        {
            var power = real[k] * real[k] + imaginary[k] * imaginary[k];
            if ((double)k * ConditionClips.RateHz / signal.Length > cutoffHz)
                above += power;
            else
                below += power;
        }
        return (below, above);
    }
}
