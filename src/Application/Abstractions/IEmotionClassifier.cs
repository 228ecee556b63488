using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;

namespace EmotionRecognition.Application.Abstractions;

/// <summary>
/// The served models: the seam between the use cases and the neural networks (TorchSharp, the inference batcher and
/// the reload watcher live behind it, in Infrastructure). It exists so handler tests need no libtorch.
/// </summary>
public interface IEmotionClassifier
{
    /// <summary>
    /// The complete model set serving now. A request reads this once and uses that
    /// set for feature settings and inference alike, so a reload never mixes two sets.
    /// Throws <see cref="ModelsUnavailableException"/> with the reason when none is loaded.
    /// </summary>
    IModelSet Current { get; }

    /// <summary>Null when a model set is loaded; otherwise why not (missing folder, corrupt file, …).</summary>
    string? UnavailableReason { get; }
}

/// <summary>
/// One immutable, fully loaded set of models that were trained together: a served set, or a cross-validation fold's
/// networks in the Trainer. Audio reaches it through <see cref="AudioClassifier"/>.
/// </summary>
public interface IModelSet
{
    /// <summary>Identifies the set (for logs and /models), e.g. its data fingerprint and creation time.</summary>
    string Id { get; }

    IReadOnlyList<ModelDescription> Models { get; }

    /// <summary>Throws <see cref="NetworkNotAvailableException"/> when the set has no such network.</summary>
    ModelDescription Describe(NetworkType network);

    /// <summary>
    /// The 8 probabilities, in <see cref="Emotions.InLabelOrder"/>, for one clip's input as
    /// <see cref="FeaturePipeline.Input"/> makes it with the network's profile.
    /// </summary>
    /// <exception cref="ArgumentException">The input is not what this network reads (kind, size, non-finite values).</exception>
    ValueTask<float[]> ClassifyAsync(NetworkType network, NetworkInput input, CancellationToken ct = default);

    /// <summary>Probabilities for many MFCC vectors in one forward pass, in input order; each row sums to 1.</summary>
    /// <exception cref="ArgumentException">The network takes no MFCC vector, or a vector has the wrong size or a non-finite value.</exception>
    float[][] ClassifyMany(NetworkType network, IReadOnlyList<float[]> mfccVectors);
}

/// <summary>What a client may know about one served network.</summary>
public sealed record ModelDescription(
    NetworkType Network,
    FeatureProfile Profile,
    IReadOnlyList<string> Labels,
    ModelMetrics? Metrics,
    DateTimeOffset CreatedAt);

/// <summary>Speaker-independent metrics (folds split by actor) measured when the model set was trained.</summary>
public sealed record ModelMetrics(
    double Accuracy,
    double MacroF1,
    string Protocol,
    int Folds);
