namespace EmotionRecognition.Application.Audio;

/// <summary>Mono audio as float32 samples (full scale ±1), as librosa.load returns it.</summary>
/// <param name="Samples">One sample per frame; channels are already averaged.</param>
/// <param name="SampleRateHz">Samples per second.</param>
public sealed record AudioClip(float[] Samples, int SampleRateHz)
{
    public double DurationSeconds => SampleRateHz > 0 ? (double)Samples.Length / SampleRateHz : 0;
}
