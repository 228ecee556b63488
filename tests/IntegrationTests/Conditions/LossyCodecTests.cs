using EmotionRecognition.Application.Audio;
using EmotionRecognition.Trainer.Conditions;

namespace EmotionRecognition.IntegrationTests.Conditions;

[TestFixture]
internal sealed class LossyCodecTests
{
    [TestCase(LossyFormat.Mp3, 32, 5.0)]
    [TestCase(LossyFormat.Opus, 16, 5.0)]
    public void Apply_RealSpeech_KeepsLengthHasNoLagAndStaysClose(LossyFormat format, int kilobits, double minimumSnrDb)
    {
        var clean = ConditionClips.Ravdess();

        var decoded = ApplyOrSkip(new LossyCodec(format, kilobits), clean);

        Assert.That(decoded.SampleRateHz, Is.EqualTo(clean.SampleRateHz));
        Assert.That(decoded.Samples, Has.Length.EqualTo(clean.Samples.Length));
        Assert.That(DirectLag(clean.Samples, decoded.Samples, 300), Is.InRange(-3, 3));
        ConditionClips.AssertFinite(decoded);
        var snr = ConditionClips.SnrDb(clean.Samples, decoded.Samples);
        TestContext.Out.WriteLine($"{format} {kilobits} kb/s: waveform SNR {snr:0.0} dB");
        Assert.That(snr, Is.GreaterThan(minimumSnrDb));
    }

    [Test]
    public void Apply_SameClip_GivesIdenticalSamples()
    {
        var clean = ConditionClips.Voiced();
        var codec = new LossyCodec(LossyFormat.Mp3, 32);

        var first = ApplyOrSkip(codec, clean);
        var second = ApplyOrSkip(codec, clean);

        Assert.That(second.Samples, Is.EqualTo(first.Samples));
    }

    [Test]
    public void Lag_OfADelayedCopy_IsTheDelay()
    {
        var x = NoiseSignals.White(4000, new Random(2));
        var y = new float[6000];
        x.CopyTo(y, 1105);

        Assert.That(LossyCodec.Lag(x, y, 2000), Is.EqualTo(1105));
    }

    private static AudioClip ApplyOrSkip(LossyCodec codec, AudioClip clean)
    {
        try
        {
            return codec.Apply(clean, 0, ConditionClips.SyntheticSpeakers);
        }
        catch (InvalidOperationException e) when (e.Message.Contains("not installed", StringComparison.Ordinal))
        {
            Assume.That(false, $"ffmpeg is not installed: {e.Message}");
            throw;
        }
    }

    /// <summary>The lag in [−range, range] maximising Σ x[i]·y[i+l], summed directly (independent of the FFT under test).</summary>
    private static int DirectLag(float[] x, float[] y, int range)
    {
        var best = 0;
        var bestSum = double.NegativeInfinity;
        for (var lag = -range; lag <= range; lag++)
        {
            double sum = 0;
            for (var i = Math.Max(0, -lag); i < x.Length && i + lag < y.Length; i++)
                sum += (double)x[i] * y[i + lag];
            if (sum > bestSum)
                (best, bestSum) = (lag, sum);
        }
        return best;
    }
}
