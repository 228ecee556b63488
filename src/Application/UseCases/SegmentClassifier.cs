using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;

namespace EmotionRecognition.Application.UseCases;

/// <summary>
/// Classifies one speech segment. The CRNN hears it through <see cref="AudioClassifier"/>, the call the audio route
/// makes for a clip. The networks that take an MFCC vector hear the mean MFCCs of the whole segment instead of the
/// compat window (1.0 to 3.5 s into the clip), through the same pipeline and classifier call: the window suits a
/// RAVDESS file, whose sentence starts about a second in; a segment starts a padding's width before its speech, so
/// the window would skip most of its first second and leave nothing of a 1-s one. On joined RAVDESS sentences the
/// segment mean agreed with the clip-alone answer more often (docs/timeline.md).
/// </summary>
public static class SegmentClassifier
{
    /// <summary>Probabilities in <see cref="Emotions.InLabelOrder"/> for <paramref name="segment"/>.</summary>
    public static async ValueTask<IReadOnlyList<EmotionPrediction>> ClassifySegmentAsync(
        this IModelSet models, NetworkType network, AudioClip segment, CancellationToken ct)
    {
        float[] probabilities;
        if (network.TakesMfccVector())
        {
            var profile = models.Describe(network).Profile;
            var wholeSegment = FeaturePipeline.For(profile with { OffsetSeconds = 0, DurationSeconds = null });
            probabilities = await models.ClassifyAsync(network, wholeSegment.Input(network, wholeSegment.Analyse(segment)), ct);
        }
        else
        {
            probabilities = await models.ClassifyAsync(network, segment, ct);
        }
        return EmotionScores.InLabelOrder(probabilities);
    }
}
