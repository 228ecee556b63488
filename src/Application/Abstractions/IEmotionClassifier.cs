using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;

namespace EmotionRecognition.Application.Abstractions;

/// <summary>
/// The seam between the use cases and the neural networks (TorchSharp lives in
/// Infrastructure). It exists so handler tests need no libtorch.
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

/// <summary>One immutable, fully loaded set of models that were trained together.</summary>
public interface IModelSet
{
    /// <summary>Identifies the set (for logs and /models), e.g. its data fingerprint and creation time.</summary>
    string Id { get; }

    IReadOnlyList<ModelDescription> Models { get; }

    /// <summary>Throws <see cref="NetworkNotAvailableException"/> when the set has no such network.</summary>
    ModelDescription Describe(NetworkType network);

    /// <summary>Probabilities for each input, in <see cref="Emotions.InLabelOrder"/>; each row sums to 1.</summary>
    float[][] Predict(NetworkType network, IReadOnlyList<float[]> inputs);

    /// <summary>
    /// Probabilities, in <see cref="Emotions.InLabelOrder"/>, for one clip's feature sequence
    /// ([rows, frames] from <see cref="FeaturePipeline.ExtractSequence"/> with the network's profile), for networks that do not take an
    /// MFCC vector (<see cref="NetworkTypes.TakesMfccVector"/> is false). <paramref name="functionals"/>: the clip's
    /// <see cref="ClipFunctionals"/> (<see cref="FeaturePipeline.ExtractSpeech"/>), which a network served with a functionals
    /// model needs and any other ignores.
    /// </summary>
    float[] PredictSequence(NetworkType network, FeatureMatrix sequence, float[]? functionals = null);
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
