using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Domain;
using Mediator;

namespace EmotionRecognition.Application.UseCases;

/// <summary>
/// Classify an audio file: the server decodes it and computes the features with exactly the feature profile the
/// served network was trained with, so a client never has to reproduce librosa.
/// </summary>
/// <param name="Network">CNN, DNN or CRNN, any case, as it appears in the route.</param>
/// <param name="Audio">The file's bytes in any format <see cref="AudioDecoder"/> reads; anything else is an <see cref="InvalidAudioException"/>.</param>
public sealed record PredictFromAudio(NetworkName Network, byte[] Audio) : IQuery<IReadOnlyList<EmotionPrediction>>;

public sealed class PredictFromAudioHandler(IEmotionClassifier classifier, PredictionMetrics metrics, AudioDecoder decoder)
    : IQueryHandler<PredictFromAudio, IReadOnlyList<EmotionPrediction>>
{
    public async ValueTask<IReadOnlyList<EmotionPrediction>> Handle(PredictFromAudio query, CancellationToken ct)
    {
        var network = query.Network.Validated;
        // The decoder stops at the length limit (Prediction:MaxAudioSeconds) while it decodes.
        var clip = decoder.Decode(query.Audio, ct);
        var probabilities = await classifier.Current.ClassifyAsync(network, clip, ct);
        metrics.Predicted(network, InputKind.Audio);
        return EmotionScores.InLabelOrder(probabilities);
    }
}
