using EmotionRecognition.Application.Audio;
using EmotionRecognition.Trainer.Conditions;

namespace EmotionRecognition.IntegrationTests.Conditions;

/// <summary>Clips for the condition tests: a synthetic voiced clip with studio silence around it, and real RAVDESS speech.</summary>
internal static class ConditionClips
{
    public const int RateHz = 22050;

    /// <summary>0.5 s silence, 2 s of a 150 Hz harmonic tone with a 4 Hz syllable envelope, 0.5 s silence.</summary>
    public static AudioClip Voiced(double amplitude = 0.3)
    {
        var samples = new float[3 * RateHz];
        for (var i = RateHz / 2; i < 5 * RateHz / 2; i++)
        {
            var t = (double)i / RateHz;
            var envelope = 0.6 + 0.4 * Math.Sin(2 * Math.PI * 4 * t);
            double tone = 0;
            for (var h = 1; h <= 10; h++)
                tone += Math.Sin(2 * Math.PI * 150 * h * t) / h;
            samples[i] = (float)(amplitude * envelope * tone / 2);
        }
        return new AudioClip(samples, RateHz);
    }

    /// <summary>A source of other "speakers" for babble: voiced clips at other pitches.</summary>
    public static ISpeechSource SyntheticSpeakers { get; } = new ClipSpeechSource(
        [.. new[] { 110.0, 180.0, 220.0, 260.0 }.Select(pitch => Tone(pitch, 2.5))]);

    /// <summary>A real speech clip of <paramref name="actor"/> (../shared/ravdess; the test is skipped when it is missing).</summary>
    public static AudioClip Ravdess(int actor = 1, string clip = "03-01-05-01-01-01") =>
        WavReader.ReadFile(Path.Combine(Trainer.RealAudioTests.SharedRavdess, $"Actor_{actor:00}", $"{clip}-{actor:00}.wav"));

    /// <summary>Every speech clip of the actors, in name order.</summary>
    public static IEnumerable<string> RavdessFiles(IEnumerable<int> actors) =>
        actors.SelectMany(a => Directory.GetFiles(Path.Combine(Trainer.RealAudioTests.SharedRavdess, $"Actor_{a:00}"), "03-01-*.wav").Order(StringComparer.Ordinal));

    private static AudioClip Tone(double pitchHz, double seconds)
    {
        var samples = new float[(int)(seconds * RateHz)];
        for (var i = 0; i < samples.Length; i++)
        {
            var t = (double)i / RateHz;
            samples[i] = (float)(0.2 * Math.Sin(2 * Math.PI * pitchHz * t) * (0.5 + 0.5 * Math.Sin(2 * Math.PI * 3 * t)));
        }
        return new AudioClip(samples, RateHz);
    }

    public static void AssertFinite(AudioClip clip) =>
        Assert.That(clip.Samples.All(float.IsFinite), Is.True, "every sample finite");

    /// <summary>10·log10(Σx² / Σ(x−y)²) in dB.</summary>
    public static double SnrDb(float[] reference, float[] degraded)
    {
        double signal = 0, error = 0;
        for (var i = 0; i < reference.Length; i++)
        {
            signal += (double)reference[i] * reference[i];
            var d = (double)reference[i] - degraded[i];
            error += d * d;
        }
        return 10 * Math.Log10(signal / error);
    }
}
