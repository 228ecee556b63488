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
/// <param name="Audio">The file's bytes; anything we cannot decode is an <see cref="InvalidAudioException"/>.</param>
public sealed record PredictFromAudio(NetworkName Network, byte[] Audio) : IQuery<IReadOnlyList<EmotionPrediction>>;

public sealed class PredictFromAudioHandler(IEmotionClassifier classifier, PredictionMetrics metrics, PredictionOptions options)
    : IQueryHandler<PredictFromAudio, IReadOnlyList<EmotionPrediction>>
{
    public async ValueTask<IReadOnlyList<EmotionPrediction>> Handle(PredictFromAudio query, CancellationToken ct)
    {
        var network = query.Network.Validated;
        var clip = WavReader.Read(query.Audio);
        if (clip.DurationSeconds > options.MaxAudioSeconds)
        {
            throw new InvalidAudioException($"The audio lasts {clip.DurationSeconds:0.#} s, longer than the limit of {options.MaxAudioSeconds:0.#} s.");
        }
        var probabilities = await classifier.Current.ClassifyAsync(network, clip, ct);
        metrics.Predicted(network, InputKind.Audio);
        return EmotionScores.InLabelOrder(probabilities);
    }
}
