namespace EmotionRecognition.Trainer.Conditions;

/// <summary>
/// The power of a clip's active part: the mean power of its 23 ms frames that lie within 40 dB of the loudest frame.
/// RAVDESS clips open and close with up to a second of studio silence; a plain mean over the clip would count it and
/// put the noise of an "SNR 20 dB" condition louder against the speech than 20 dB. The same measure is used for the
/// noise, so an intermittent noise (bursts) is rated by its level while present, not diluted by its gaps.
/// </summary>
internal static class SpeechLevel
{
    /// <summary>Frame length in seconds: about one pitch-synchronous analysis frame, short enough to resolve pauses.</summary>
    public const double FrameSeconds = 0.023;

    /// <summary>Frames more than this far below the loudest are silence (or a gap), not signal.</summary>
    public const double ActiveRangeDb = 40;

    /// <summary>Mean power (full scale 1) of the active frames; 0 for an empty or all-zero signal.</summary>
    public static double ActivePower(ReadOnlySpan<float> samples, int sampleRateHz)
    {
        if (samples.IsEmpty)
            return 0;
        var frame = Math.Clamp((int)Math.Round(FrameSeconds * sampleRateHz), 1, samples.Length);
        var frames = (samples.Length + frame - 1) / frame;
        var power = new double[frames];
        for (var f = 0; f < frames; f++)
        {
            var part = samples.Slice(f * frame, Math.Min(frame, samples.Length - f * frame));
            double sum = 0;
            foreach (var s in part)
                sum += (double)s * s;
            power[f] = sum / part.Length;
        }
        var loudest = power.Max();
        if (loudest <= 0)
            return 0;
        var floor = loudest * Math.Pow(10, -ActiveRangeDb / 10);
        double total = 0;
        var count = 0;
        foreach (var p in power)
        {
            if (p >= floor)
            {
                total += p;
                count++;
            }
        }
        return total / count;
    }

    /// <summary>Signal-to-noise ratio in dB, both sides measured by <see cref="ActivePower"/>.</summary>
    public static double SnrDb(ReadOnlySpan<float> speech, ReadOnlySpan<float> noise, int sampleRateHz) =>
        10 * Math.Log10(ActivePower(speech, sampleRateHz) / ActivePower(noise, sampleRateHz));
}
