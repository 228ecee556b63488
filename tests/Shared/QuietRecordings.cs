using EmotionRecognition.Application.Audio;

namespace EmotionRecognition.Tests.Shared;

/// <summary>
/// The level-invariance properties' material, compiled into the unit and the integration tests alike: a fixed sample of
/// real speech and the same clip made quieter as a low-gain microphone's 16-bit WAV would store it.
/// </summary>
internal static class QuietRecordings
{
    /// <summary>Every 12th clip of the RAVDESS copy under <paramref name="sharedFolder"/>: 100 clips of all 20 actors and
    /// all emotions; none when the copy is missing.</summary>
    public static IEnumerable<string> Clips(string sharedFolder)
    {
        var root = Path.Combine(sharedFolder, "ravdess");
        if (!Directory.Exists(root))
            yield break;
        foreach (var (path, i) in Directory.EnumerateFiles(root, "*.wav", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select((p, i) => (p, i)))
        {
            if (i % 12 == 0)
                yield return path;
        }
    }

    /// <summary>The clip <paramref name="gainDb"/> quieter, rounded to 16-bit steps as a WAV file would store it.</summary>
    public static AudioClip Quieter(AudioClip clip, double gainDb)
    {
        var gain = Math.Pow(10, gainDb / 20);
        var samples = clip.Samples.Select(s => (float)(Math.Clamp(Math.Round(s * gain * 32768), -32768, 32767) / 32768)).ToArray();
        return new AudioClip(samples, clip.SampleRateHz);
    }

    /// <summary>The <paramref name="q"/>-quantile of <paramref name="values"/> (the value at rank ⌊q·n⌋).</summary>
    public static double Quantile(IEnumerable<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        return sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(q * sorted.Length))];
    }
}
