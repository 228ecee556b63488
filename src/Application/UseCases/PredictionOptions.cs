namespace EmotionRecognition.Application.UseCases;

/// <summary>Limits and tuning of the prediction use cases (configuration section <c>Prediction</c>).</summary>
public sealed record PredictionOptions
{
    public const string Section = "Prediction";

    /// <summary>Most items one <c>/batch</c> request may hold.</summary>
    public int MaxBatchItems { get; init; } = 100;

    /// <summary>
    /// Most single requests the <see cref="InferenceBatcher"/> joins into one forward pass;
    /// 1 turns batching off (each request runs its own forward pass on its own thread).
    /// </summary>
    public int MaxInferenceBatch { get; init; } = 64;
}
