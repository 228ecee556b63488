using EmotionRecognition.Application.Audio;

namespace EmotionRecognition.Infrastructure.Audio;

/// <summary>The <see cref="AudioDecoder"/> for programs without a service container (the Trainer): the same entry the Api resolves.</summary>
public static class AudioDecoding
{
    /// <summary>An <see cref="AudioDecoder"/> whose compressed formats go to ffmpeg.</summary>
    public static AudioDecoder Create(AudioLimits limits) => new(new FfmpegAudioDecoder(), limits);

    /// <summary>
    /// For corpus and command-line files, which the user chose: an hour of audio and a minute per
    /// file instead of a request's limits, still bounded so one damaged file cannot stall a run.
    /// </summary>
    public static AudioDecoder ForLocalFiles { get; } = Create(new AudioLimits
    {
        MaxSeconds = 3600,
        MaxOutputSamples = 1L << 28,
        DecodeTimeout = TimeSpan.FromMinutes(1),
    });
}
