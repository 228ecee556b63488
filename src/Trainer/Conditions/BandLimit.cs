using System.Globalization;
using EmotionRecognition.Application.Audio;

namespace EmotionRecognition.Trainer.Conditions;

/// <summary>
/// A channel of lower sample rate: the clip resampled down to <paramref name="RateHz"/> and back with the product's
/// <see cref="Resampler"/>, so everything above RateHz/2 is gone (8 kHz: the telephone band; 16 kHz: wide-band VoIP
/// and many speech recorders). A clip already at or below the rate passes unchanged.
/// </summary>
internal sealed record BandLimit(int RateHz) : Condition(NameOf(RateHz))
{
    public override AudioClip Apply(AudioClip clean, int seed, ISpeechSource others) =>
        new(ThroughRate(clean, RateHz, static s => s), clean.SampleRateHz);

    /// <summary>Down to <paramref name="rateHz"/>, <paramref name="channel"/> there, and back to the clip's rate and length.</summary>
    public static float[] ThroughRate(AudioClip clean, int rateHz, Func<float[], float[]> channel)
    {
        var rate = clean.SampleRateHz;
        if (rate <= rateHz)
            return channel(clean.Samples.ToArray());
        var narrow = channel(Resampler.Resample(clean.Samples, rate, rateHz));
        return FitLength(Resampler.Resample(narrow, rateHz, rate), clean.Samples.Length);
    }

    /// <summary>Cut or zero-pad to <paramref name="length"/>: the round trip's ceilings may add a sample.</summary>
    public static float[] FitLength(float[] samples, int length)
    {
        if (samples.Length == length)
            return samples;
        var fitted = new float[length];
        samples.AsSpan(0, Math.Min(length, samples.Length)).CopyTo(fitted);
        return fitted;
    }

    private static string NameOf(int rateHz) => rateHz == 8000
        ? "telephone band 8 kHz"
        : string.Create(CultureInfo.InvariantCulture, $"band limit {rateHz / 1000.0:0.##} kHz");
}
