using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Domain;

namespace EmotionRecognition.Application.UseCases;

/// <summary>
/// Classifies one speech segment as the audio route classifies a clip, with one difference for the
/// networks that take an MFCC vector: they hear the mean MFCCs of the whole segment, not the compat
/// window (1.0 to 3.5 s into the clip). The window suits a RAVDESS file, whose sentence starts about a
/// second in; a segment starts a padding's width before its speech, so the window would skip the first
/// second of every segment and leave nothing of a 1-s one (docs/timeline.md measures both).
/// </summary>
public sealed class SegmentClassifier(FeaturePipelines pipelines, InferenceBatcher batcher)
{
    /// <summary>Probabilities in <see cref="Emotions.InLabelOrder"/> for <paramref name="segment"/>.</summary>
    public async ValueTask<IReadOnlyList<EmotionPrediction>> ClassifyAsync(IModelSet models, NetworkType network, AudioClip segment, CancellationToken ct)
    {
        var profile = models.Describe(network).Profile;
        float[] probabilities;
        if (network.TakesMfccVector())
        {
            var wholeSegment = profile with { OffsetSeconds = 0, DurationSeconds = null };
            probabilities = await batcher.PredictAsync(models, network, pipelines.For(wholeSegment).ExtractMean(segment), ct);
        }
        else
        {
            var speech = pipelines.For(profile).ExtractSpeech(segment);
            probabilities = models.PredictSequence(network, speech.Sequence, speech.Functionals);
        }
        return EmotionScores.InLabelOrder(probabilities);
    }
}
