using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using Mediator;

namespace EmotionRecognition.Application.UseCases;

/// <summary>The original contract: classify one averaged-MFCC vector with the named network.</summary>
/// <param name="Network">CNN or DNN, any case, as it appears in the route.</param>
/// <param name="Mfccs">The client's vector; null when the body had none (the validator refuses it).</param>
public sealed record PredictEmotion(NetworkName Network, float[]? Mfccs) : IQuery<IReadOnlyList<EmotionPrediction>>;

public sealed class PredictEmotionHandler(IEmotionClassifier classifier, PredictionMetrics metrics)
    : IQueryHandler<PredictEmotion, IReadOnlyList<EmotionPrediction>>
{
    public async ValueTask<IReadOnlyList<EmotionPrediction>> Handle(PredictEmotion query, CancellationToken ct)
    {
        var network = query.Network.Validated;
        var probabilities = await classifier.Current.ClassifyAsync(network, new MfccVector(query.Mfccs!), ct);
        metrics.Predicted(network, InputKind.Mfccs);
        return EmotionScores.InLabelOrder(probabilities);
    }
}
