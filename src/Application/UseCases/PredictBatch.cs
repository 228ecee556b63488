using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Domain;
using Mediator;

namespace EmotionRecognition.Application.UseCases;

/// <summary>Classify many MFCC vectors with one network in one forward pass; answers in input order.</summary>
/// <param name="Network">CNN or DNN, any case, as it appears in the route.</param>
/// <param name="Items">The vectors; null entries and a null list are refused by the validator.</param>
public sealed record PredictBatch(NetworkName Network, IReadOnlyList<float[]?>? Items) : IQuery<IReadOnlyList<IReadOnlyList<EmotionPrediction>>>;

public sealed class PredictBatchHandler(IEmotionClassifier classifier, PredictionMetrics metrics)
    : IQueryHandler<PredictBatch, IReadOnlyList<IReadOnlyList<EmotionPrediction>>>
{
    public ValueTask<IReadOnlyList<IReadOnlyList<EmotionPrediction>>> Handle(PredictBatch query, CancellationToken ct)
    {
        var network = query.Network.Validated;
        var inputs = query.Items!.Select(item => item!).ToArray();
        var rows = classifier.Current.ClassifyMany(network, inputs);
        metrics.ForwardPass(inputs.Length);
        metrics.Predicted(network, InputKind.Mfccs, inputs.Length);
        IReadOnlyList<IReadOnlyList<EmotionPrediction>> results = rows.Select(EmotionScores.InLabelOrder).ToArray();
        return ValueTask.FromResult(results);
    }
}
