namespace EmotionRecognition.Application.Abstractions;

/// <summary>
/// The seam between the timeline use cases and the voice-activity model (ONNX Runtime lives in
/// Infrastructure), so segmentation and its tests need no native library.
/// </summary>
public interface IVoiceActivityDetector
{
    /// <summary>Sample rate the detector takes, in Hz.</summary>
    int SampleRateHz { get; }

    /// <summary>Samples per decision (one probability per window of this many samples).</summary>
    int WindowSamples { get; }

    /// <summary>
    /// A fresh detector state for one recording or stream. Each session keeps its own recurrent state,
    /// so any number may run at once; a session itself is used by one caller at a time.
    /// </summary>
    IVoiceActivitySession StartSession();
}

/// <summary>One recording's or stream's pass through the detector, fed in order.</summary>
public interface IVoiceActivitySession : IDisposable
{
    /// <summary>
    /// Speech probability (0..1) for each whole window in <paramref name="samples"/> (at
    /// <see cref="IVoiceActivityDetector.SampleRateHz"/>, full scale ±1). Samples that do not fill a
    /// window are kept and lead the next call, so chunks of any size give the same answers as one call.
    /// </summary>
    IReadOnlyList<float> Process(ReadOnlySpan<float> samples);
}
