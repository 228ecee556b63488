using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using Mediator;

namespace EmotionRecognition.Application.UseCases;

/// <summary>
/// Classify a WAV file: the server computes the features with exactly the feature profile the
/// served model was trained with, so a client never has to reproduce librosa. CNN and DNN take the
/// averaged-MFCC vector; CRNN takes the clip's prepared sequence (<see cref="FeaturePipeline.ExtractSequence"/>:
/// the log-mel, plus pitch rows when the served profile has them).
/// </summary>
/// <param name="NetworkType">"CNN", "DNN" or "CRNN", any case.</param>
/// <param name="Wav">The file's bytes in any format <see cref="AudioDecoder"/> reads; anything else is an <see cref="InvalidAudioException"/>.</param>
public sealed record PredictFromAudio(string NetworkType, byte[] Wav) : IQuery<IReadOnlyList<EmotionPrediction>>;

public sealed class PredictFromAudioHandler(
    IEmotionClassifier classifier, FeaturePipelines pipelines, InferenceBatcher batcher, PredictionMetrics metrics, PredictionOptions options, AudioDecoder decoder)
    : IQueryHandler<PredictFromAudio, IReadOnlyList<EmotionPrediction>>
{
    public async ValueTask<IReadOnlyList<EmotionPrediction>> Handle(PredictFromAudio query, CancellationToken ct)
    {
        var network = ServedProfile.ParseValidated(query.NetworkType);
        // One snapshot for both steps, so a reload between them can never pair one set's features with another's weights.
        var models = classifier.Current;
        var profile = models.Describe(network).Profile;
        var clip = decoder.Decode(query.Wav, ct);
        if (clip.DurationSeconds > options.MaxAudioSeconds)
        {
            throw new InvalidAudioException($"The audio lasts {clip.DurationSeconds:0.#} s, longer than the limit of {options.MaxAudioSeconds:0.#} s.");
        }
        float[] probabilities;
        if (network.TakesMfccVector())
        {
            probabilities = await batcher.PredictAsync(models, network, pipelines.For(profile).ExtractMean(clip), ct);
        }
        else
        {
            var speech = pipelines.For(profile).ExtractSpeech(clip);
            probabilities = models.PredictSequence(network, speech.Sequence, speech.Functionals);
        }
        metrics.Predicted(network, InputKind.Audio);
        return EmotionScores.InLabelOrder(probabilities);
    }
}
