using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;

namespace EmotionRecognition.Application.Abstractions;

/// <summary>
/// The one call that turns a decoded clip into the 8 probabilities for any network: the Api's audio routes, the
/// Trainer's <c>predict</c> and <c>evaluate</c> and the cross-validation's scoring all come through here, so what
/// is evaluated is what is served.
/// </summary>
public static class AudioClassifier
{
    /// <summary>
    /// <paramref name="clip"/> analysed with the feature profile <paramref name="network"/> was trained with (read from
    /// the set, never from configuration), turned into that network's input and classified.
    /// </summary>
    /// <exception cref="InvalidAudioException">The clip's rate is unsupported or its samples are not all finite.</exception>
    /// <exception cref="NetworkNotAvailableException">The set has no such network.</exception>
    public static ValueTask<float[]> ClassifyAsync(this IModelSet set, NetworkType network, AudioClip clip, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(set);
        var pipeline = FeaturePipeline.For(set.Describe(network).Profile);
        return set.ClassifyAsync(network, pipeline.Input(network, pipeline.Analyse(clip)), ct);
    }
}
