using System.Globalization;
using EmotionRecognition.Application.Audio;

namespace EmotionRecognition.Trainer.Conditions;

/// <summary>
/// An overdriven input: the clip scaled so its peak sits <paramref name="OverdriveDb"/> above full scale, then limited
/// to ±1, hard (an ADC's rails) or soft (tanh, a saturating preamp or a phone's limiter). Scaling to the clip's own peak
/// makes the amount of clipping the same for a loud and a quiet clip.
/// </summary>
internal sealed record Clipping(double OverdriveDb, bool Soft = false)
    : Condition(string.Create(CultureInfo.InvariantCulture, $"{(Soft ? "soft clipping" : "clipping")} +{OverdriveDb:0.#} dB"))
{
    public override AudioClip Apply(AudioClip clean, int seed, ISpeechSource others)
    {
        var peak = RoomEcho.Peak(clean.Samples);
        var scale = peak > 0 ? Math.Pow(10, OverdriveDb / 20) / peak : 0;
        var output = new float[clean.Samples.Length];
        for (var i = 0; i < output.Length; i++)
        {
            var driven = clean.Samples[i] * scale;
            output[i] = (float)(Soft ? Math.Tanh(driven) : Math.Clamp(driven, -1, 1));
        }
        return new AudioClip(output, clean.SampleRateHz);
    }
}

/// <summary>A constant offset, full scale 1: a cheap sound card's or an uncalibrated ADC's DC bias.</summary>
internal sealed record DcOffset(double Offset) : Condition(string.Create(CultureInfo.InvariantCulture, $"DC offset {Offset:+0.0##;-0.0##}"))
{
    public override AudioClip Apply(AudioClip clean, int seed, ISpeechSource others)
    {
        var output = new float[clean.Samples.Length];
        for (var i = 0; i < output.Length; i++)
            output[i] = (float)(clean.Samples[i] + Offset);
        return new AudioClip(output, clean.SampleRateHz);
    }
}

/// <summary>
/// A recording that starts before and runs on after the speech: <paramref name="LeadingSeconds"/> and
/// <paramref name="TrailingSeconds"/> of padding around the clip, either digital silence
/// (<paramref name="BackgroundBelowSpeechDb"/> null) or pink background noise that many dB below the speech's active
/// level, present throughout, as a room's noise floor is.
/// </summary>
internal sealed record Padding(double LeadingSeconds, double TrailingSeconds, double? BackgroundBelowSpeechDb)
    : Condition(NameOf(LeadingSeconds, TrailingSeconds, BackgroundBelowSpeechDb))
{
    public override AudioClip Apply(AudioClip clean, int seed, ISpeechSource others)
    {
        var rate = clean.SampleRateHz;
        var leading = (int)Math.Round(LeadingSeconds * rate);
        var trailing = (int)Math.Round(TrailingSeconds * rate);
        var padded = new float[leading + clean.Samples.Length + trailing];
        clean.Samples.CopyTo(padded, leading);
        if (BackgroundBelowSpeechDb is not { } below)
            return new AudioClip(padded, rate);
        // The background's level is set against the speech alone, not against the padded clip.
        var speechPower = Math.Max(SpeechLevel.ActivePower(clean.Samples, rate), 1e-10);
        var noise = NoiseSignals.Coloured(padded.Length, 1, rate, new Random(seed));
        var noisePower = SpeechLevel.ActivePower(noise, rate);
        var scale = noisePower > 0 ? (float)Math.Sqrt(speechPower / (noisePower * Math.Pow(10, below / 10))) : 0f;
        for (var i = 0; i < padded.Length; i++)
            padded[i] += scale * noise[i];
        return new AudioClip(padded, rate);
    }

    private static string NameOf(double leading, double trailing, double? below) => below is { } db
        ? string.Create(CultureInfo.InvariantCulture, $"background {leading:0.0#} s before, {trailing:0.0#} s after, {db:0.#} dB below speech")
        : string.Create(CultureInfo.InvariantCulture, $"digital silence {leading:0.0#} s before, {trailing:0.0#} s after");
}
