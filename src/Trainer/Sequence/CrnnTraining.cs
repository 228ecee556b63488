using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.ModelStore;
using EmotionRecognition.Trainer.Cli;
using EmotionRecognition.Trainer.Corpus;
using EmotionRecognition.Trainer.Training;

namespace EmotionRecognition.Trainer.Sequence;

/// <summary>What the CRNN part of <c>train</c> produced: its cross-validated metrics and the final network.</summary>
public sealed record CrnnOutcome(CrossValidatedMetrics Metrics, TrainedNetwork Network, SequenceSet Sequences);

/// <summary>
/// The CRNN part of <c>train</c>: log-mel sequences of every clip (cached), cross-validation on the very
/// folds the other networks used, then the final network on the same training and validation actors as
/// theirs. Seeds follow the other networks' scheme (run seed + fold index; run seed for the final fit).
/// </summary>
public sealed class CrnnTraining(SequenceTrainingOptions options, IProgressReporter progress)
{
    /// <summary>The profile the CRNN is trained and served with.</summary>
    public static FeatureProfile Profile => FeatureProfile.Sequence;

    public CrnnOutcome Run(CorpusScan scan, string cachePath, IReadOnlyList<ActorFold> folds, ActorFold final, int seed, CancellationToken ct)
    {
        var sequences = new SequenceFeatureReader(Profile, new SequenceFeatureCache(cachePath, Profile)).Read(scan, progress, ct);
        progress.Info($"Sequence features ({Profile.Name}): {sequences.CacheHits} from cache, {sequences.Extracted} extracted, " +
            $"{sequences.Skipped.Count - scan.Skipped.Count} unreadable file(s) skipped");
        var metrics = SequenceCrossValidation.Run(sequences.Clips, folds, options, seed, progress, ct);

        var train = LabeledSequences.From(sequences.Clips.Where(c => final.TrainingActors.Contains(c.Actor)));
        var validation = LabeledSequences.From(sequences.Clips.Where(c => final.ValidationActors.Contains(c.Actor)));
        SequenceModelFit? fit = null;
        progress.Run($"Final {NetworkType.Crnn.Name()}", options.Members, advance =>
        {
            fit = SequenceEnsemble.Fit(train, validation, options, seed, ct, () => advance(1));
        });
        progress.Info($"Final {NetworkType.Crnn.Name()} ({fit!.Architecture}): best epoch(s) {fit.BestEpochs} of {options.Epochs}");
        // The manifest has one best epoch per network: an ensemble records its first member's (the line above prints them all).
        var run = new TrainingRun(final.TrainingActors, final.ValidationActors, train.Count, fit.Members[0].BestEpoch, options.Epochs);
        return new CrnnOutcome(metrics, new TrainedNetwork(NetworkType.Crnn, fit.Architecture, fit.Module, null, run, metrics, Profile), sequences);
    }
}
