namespace EmotionRecognition.Application.Audio;

/// <summary>
/// Bounds on the work one file may cause, enforced while it is decoded: a decoder counts the frames
/// it produces and stops at the limit, and an external decoder has a deadline and a memory cap. A
/// compressed file's size says little about its length (10 MiB of low-bitrate MP3 lasts hours), so
/// the body limit alone bounds nothing here.
/// </summary>
public sealed record AudioLimits
{
    /// <summary>Longest audio decoded, in seconds; decoding stops and fails just past it.</summary>
    public double MaxSeconds { get; init; } = 60;

    /// <summary>
    /// Most output samples (all channels) one file may produce, whatever its rate: 2^24 float32
    /// samples are 64 MiB, e.g. 60 s of 48 kHz stereo is 5.8 million.
    /// </summary>
    public long MaxOutputSamples { get; init; } = 1 << 24;

    /// <summary>Wall-clock time an external decoder may take before it is killed.</summary>
    public TimeSpan DecodeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Address space an external decoder process may map (its RLIMIT_AS), in bytes.</summary>
    public long MaxDecoderMemoryBytes { get; init; } = 1L << 30;

    /// <summary>Frames at <paramref name="sampleRateHz"/> that fit both limits.</summary>
    public long MaxFrames(int sampleRateHz, int channels) =>
        Math.Min((long)Math.Ceiling(MaxSeconds * sampleRateHz), MaxOutputSamples / Math.Max(channels, 1));

    /// <summary>The message for audio that runs past the limits.</summary>
    public InvalidAudioException TooLong() =>
        new($"The audio lasts longer than the limit of {MaxSeconds:0.#} s (or {MaxOutputSamples} samples); decoding stopped there.");
}
