using EmotionRecognition.Application.Audio;

namespace EmotionRecognition.Benchmarks;

/// <summary>
/// The clips the benchmarks time: a RAVDESS-length (3.7 s) speech clip at 22 050 Hz and the same
/// clip upsampled to 48 000 Hz (what a browser or phone records), so the 48 kHz case pays for
/// the resampler as it would in production. The speech is a RAVDESS file when the shared corpus
/// is beside the repository, else a deterministic synthetic voice (pitch-wobbling harmonics
/// under a syllable envelope) so the benchmark still runs anywhere.
/// </summary>
internal static class BenchmarkClips
{
    public const double DurationSeconds = 3.7;
    private const string RavdessClip = "Actor_01/03-01-05-01-01-01-01.wav";

    public static AudioClip At(int sampleRateHz)
    {
        var speech = Speech22050();
        return sampleRateHz == speech.SampleRateHz
            ? speech
            : new AudioClip(Resampler.Resample(speech.Samples, speech.SampleRateHz, sampleRateHz), sampleRateHz);
    }

    /// <summary>3.7 s at 22 050 Hz: the RAVDESS clip cut or zero-padded to length, or the synthetic voice.</summary>
    public static AudioClip Speech22050()
    {
        var length = (int)(DurationSeconds * 22050);
        var path = FindRavdess() is { } folder ? Path.Combine(folder, RavdessClip) : null;
        if (path is not null && File.Exists(path))
        {
            var clip = WavReader.ReadFile(path);
            if (clip.SampleRateHz == 22050)
            {
                var samples = new float[length];
                clip.Samples.AsSpan(0, Math.Min(length, clip.Samples.Length)).CopyTo(samples);
                return new AudioClip(samples, 22050);
            }
        }

        return Synthetic(22050, length);
    }

    /// <summary>../shared/ravdess beside the repository root (the folder holding EmotionRecognition.sln).</summary>
    public static string? FindRavdess()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EmotionRecognition.sln")))
            {
                var ravdess = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "ravdess"));
                return Directory.Exists(ravdess) ? ravdess : null;
            }
        }

        return null;
    }

    private static AudioClip Synthetic(int sampleRateHz, int length)
    {
        var random = new Random(2024);
        var samples = new float[length];
        var phase = 0.0;
        for (var n = 0; n < length; n++)
        {
            var time = (double)n / sampleRateHz;
            phase += 2 * Math.PI * (150 + 30 * Math.Sin(2 * Math.PI * 3 * time)) / sampleRateHz;
            var voice = 0.0;
            for (var h = 1; h <= 20; h++)
                voice += Math.Sin(h * phase) / h;
            var envelope = 0.5 + 0.5 * Math.Sin(2 * Math.PI * 4 * time);
            samples[n] = (float)(0.2 * envelope * voice + 0.01 * (random.NextDouble() - 0.5));
        }

        return new AudioClip(samples, sampleRateHz);
    }
}
