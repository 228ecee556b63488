namespace EmotionRecognition.Application.Audio;

/// <summary>Mono audio as float32 samples (full scale ±1), as librosa.load returns it.</summary>
/// <param name="Samples">One sample per frame; channels are already averaged.</param>
/// <param name="SampleRateHz">Samples per second.</param>
public sealed record AudioClip(float[] Samples, int SampleRateHz)
{
    /// <summary>
    /// The lowest sample rate we analyse. Features are computed at the profile's rate (22.05 kHz), so a
    /// clip at r Hz is upsampled by 22050/r: at 1 kHz that is already 22 times the samples, time and memory
    /// of the input; lower rates would let a tiny file demand gigabytes (and carry no speech band anyway).
    /// </summary>
    public const int MinSampleRateHz = 1_000;

    /// <summary>
    /// The highest sample rate we analyse: 768 kHz, the fastest rate audio interfaces ship. The resampler
    /// stretches its filter by the down-sampling ratio and cannot go beyond 512:1 (about 11.3 MHz).
    /// </summary>
    public const int MaxSampleRateHz = 768_000;

    public double DurationSeconds => SampleRateHz > 0 ? (double)Samples.Length / SampleRateHz : 0;
}
