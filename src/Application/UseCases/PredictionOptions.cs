namespace EmotionRecognition.Application.UseCases;

/// <summary>Limits and tuning of the prediction use cases (configuration section <c>Prediction</c>).</summary>
public sealed record PredictionOptions
{
    public const string Section = "Prediction";

    /// <summary>Most items one <c>/batch</c> request may hold.</summary>
    public int MaxBatchItems { get; init; } = 100;

    /// <summary>
    /// Longest audio a request may send, in seconds (422 beyond it). The body limit alone does not bound
    /// the work: 10 MiB of 8-bit audio at 1 kHz lasts almost three hours and becomes 220 million samples
    /// at 22.05 kHz; a minute is ample for one utterance (RAVDESS clips last 3 to 5 s).
    /// </summary>
    public double MaxAudioSeconds { get; init; } = 60;

    /// <summary>
    /// Most single requests the <see cref="InferenceBatcher"/> joins into one forward pass;
    /// 1 turns batching off (each request runs its own forward pass on its own thread).
    /// </summary>
    public int MaxInferenceBatch { get; init; } = 64;
}
