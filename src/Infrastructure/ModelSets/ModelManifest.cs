using EmotionRecognition.Application.Features;

namespace EmotionRecognition.Infrastructure.ModelSets;

/// <summary>
/// <c>manifest.json</c> of one model set: everything needed to serve the weights exactly as
/// they were trained and to know how well they do on unseen speakers.
/// </summary>
/// <param name="FormatVersion">Layout of this file and the set folder; see <see cref="CurrentFormatVersion"/>.</param>
/// <param name="SetId">The set folder's name.</param>
/// <param name="CreatedAt">UTC time the set was saved.</param>
/// <param name="Seed">The training seed.</param>
/// <param name="DataFingerprint">SHA-256 over the sorted SHA-256s of the training clips' contents.</param>
/// <param name="Profile">The feature profile the networks were trained on; serving extracts with this one.</param>
/// <param name="Labels">Output order of every network (Emotions.AllLabels at training time).</param>
/// <param name="Networks">One entry per trained network.</param>
public sealed record ModelManifest(
    int FormatVersion,
    string SetId,
    DateTimeOffset CreatedAt,
    int Seed,
    string DataFingerprint,
    FeatureProfile Profile,
    IReadOnlyList<string> Labels,
    IReadOnlyList<NetworkEntry> Networks)
{
    public const int CurrentFormatVersion = 1;
    public const string FileName = "manifest.json";
}

/// <summary>One network of a set.</summary>
/// <param name="Network">"CNN", "DNN" or "CRNN".</param>
/// <param name="Architecture">Which module class and layer layout the weights belong to, e.g. "cnn-v2".</param>
/// <param name="WeightsFile">File name inside the set folder (TorchSharp save format).</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the weights file; checked on load.</param>
/// <param name="InputSize">Length of one input vector (the profile's coefficient count); for a sequence network (CRNN) the mel bands per frame.</param>
/// <param name="Standardization">Per-coefficient mean and standard deviation fitted on training actors only; null for a
/// sequence network, which normalises each utterance by itself (SequenceFeatures.Prepare).</param>
/// <param name="Training">Which actors the saved weights saw and when early stopping ended.</param>
/// <param name="Metrics">Speaker-independent cross-validated metrics of this network's recipe.</param>
/// <param name="Profile">The feature profile of a sequence network (CRNN), which differs from the set's; null for the
/// MFCC-vector networks, which use the set's <see cref="ModelManifest.Profile"/>.</param>
/// <param name="Functionals">A sequence network's companion <see cref="Models.FunctionalsModel"/> on the clip's
/// <see cref="ClipFunctionals"/>, mixed into its probabilities; null: the network alone.</param>
public sealed record NetworkEntry(
    string Network,
    string Architecture,
    string WeightsFile,
    string Sha256,
    int InputSize,
    Standardization? Standardization,
    TrainingRun Training,
    CrossValidatedMetrics? Metrics,
    FeatureProfile? Profile = null,
    Models.FunctionalsModel? Functionals = null)
{
    /// <summary>
    /// Fields this build does not read. A set whose CRNN was evaluated with a test-time reading this build no longer has
    /// (<c>windowFrames</c>, <c>melShifts</c>: short clips repeated to the training window, mel-shift averaging) lists them
    /// with a value, and is refused rather than served differently from how it was evaluated (<see cref="ModelStore.Load"/>).
    /// </summary>
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? Unread { get; init; }
}

/// <summary>How the saved weights were fitted.</summary>
/// <param name="TrainingActors">Actors whose clips the optimiser saw.</param>
/// <param name="ValidationActors">Actors held out for early stopping.</param>
/// <param name="Examples">Training clips.</param>
/// <param name="BestEpoch">Epoch (1-based) with the lowest validation loss; its weights were kept.</param>
/// <param name="EpochsRun">Epochs run before early stopping.</param>
public sealed record TrainingRun(
    IReadOnlyList<int> TrainingActors,
    IReadOnlyList<int> ValidationActors,
    int Examples,
    int BestEpoch,
    int EpochsRun);
