using EmotionRecognition.Application.Features;
using EmotionRecognition.Trainer.Settings;
using EmotionRecognition.Infrastructure.Configuration;
using EmotionRecognition.Infrastructure.ModelSets;
using EmotionRecognition.Trainer.Corpus;
using EmotionRecognition.Trainer.Training;

namespace EmotionRecognition.Trainer.Reports;

/// <summary>
/// Everything one <c>train</c> run did and measured; saved as report.json and report.md in the model
/// set folder. Paths of data files are relative to the data folder. Feature counts are clips (a clip
/// counts as from the cache when every artefact of it was).
/// </summary>
internal sealed record TrainingReport(
    string SetId,
    DateTimeOffset CreatedAt,
    string DataFolder,
    string DataFingerprint,
    FeatureProfile Profile,
    TrainingOptions Options,
    int WavFilesFound,
    int ClipsUsed,
    IReadOnlyList<int> Actors,
    IReadOnlyList<SkippedFile> Skipped,
    int FeatureCacheHits,
    int FeaturesExtracted,
    int AugmentedExamples,
    string Protocol,
    IReadOnlyList<ActorFold> Folds,
    IReadOnlyDictionary<string, CrossValidatedMetrics> CrossValidation,
    IReadOnlyDictionary<string, TrainingRun> FinalModels,
    IReadOnlyDictionary<string, double> Seconds,
    IReadOnlyList<string> Labels);
