using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.ModelSets;
using EmotionRecognition.Trainer.Cli;
using EmotionRecognition.Trainer.Corpus;
using EmotionRecognition.Trainer.Training;

namespace EmotionRecognition.Trainer.Sequence;

/// <summary>What the CRNN part of <c>train</c> produced: its cross-validated metrics and the final network.</summary>
internal sealed record CrnnOutcome(CrossValidatedMetrics Metrics, TrainedNetwork Network);

/// <summary>
/// The CRNN part of <c>train</c>: cross-validation on the very folds the other networks used, then the final network on
/// the same actors as theirs (their validation actors train it too: it chooses no epoch). Seeds follow the other networks' scheme (run seed + fold index; run seed for the final fit).
/// Every network (folds × members, then the final members) is an independent job; <paramref name="runner"/> decides
/// whether they train one after the other or in parallel worker processes, which gives the same weights.
/// </summary>
internal sealed class CrnnTraining(SequenceTrainingOptions options, ISequenceJobRunner runner, IProgressReporter progress)
{
    /// <summary>The profile the CRNN is trained and served with: with pitch rows when the options train pitch networks.</summary>
    public FeatureProfile Profile => ProfileFor(options);

    /// <summary><see cref="FeatureProfile.SequencePitch"/> for pitch networks (<see cref="SequenceTrainingOptions.PitchRows"/>), else <see cref="FeatureProfile.Sequence"/>.</summary>
    public static FeatureProfile ProfileFor(SequenceTrainingOptions options) =>
        options.PitchRows == 0 ? FeatureProfile.Sequence with { FloorDb = options.FloorDb }
        : options.PitchRows == FeatureProfile.SequencePitch.PitchRows ? FeatureProfile.SequencePitch with { FloorDb = options.FloorDb }
        : throw new ArgumentException($"No feature profile has {options.PitchRows} pitch rows (sequence-pitch has {FeatureProfile.SequencePitch.PitchRows}).", nameof(options));

    public CrnnOutcome Run(IReadOnlyList<LabeledClip<SequenceExample>> clips, IReadOnlyList<ActorFold> folds, ActorFold final, int seed, CancellationToken ct,
        ConditionBenchmark? benchmark = null)
    {
        var crossValidationJobs = SequenceCrossValidation.Jobs(folds, options, seed).ToArray();
        var finalJobs = SequenceJob.Members("final model", final.TrainingActors.Concat(final.ValidationActors), seed, options).ToArray();
        IReadOnlyList<SequenceFit> fits = [];
        progress.Run($"{NetworkType.Crnn.Name()} networks ({folds.Count} folds and the final model, {options.Members} each)",
            crossValidationJobs.Length + finalJobs.Length, advance =>
        {
            fits = runner.Run(clips, [.. crossValidationJobs, .. finalJobs], options, (_, _) => advance(1), ct);
        });
        var metrics = SequenceCrossValidation.Evaluate(clips, folds, fits.Take(crossValidationJobs.Length).ToArray(), options, progress, benchmark, ct);

        var fit = SequenceEnsemble.Join(fits.Skip(crossValidationJobs.Length).ToArray());
        progress.Info($"Final {NetworkType.Crnn.Name()} ({fit.Architecture}): epochs {fit.Epochs}");
        // The manifest has one epoch count per network: an ensemble records its first member's (the line above prints them all).
        var examples = finalJobs[0].Select(clips, options).Count;
        var run = new TrainingRun(finalJobs[0].TrainingActors, [], examples, fit.Members[0].EpochsRun, fit.Members[0].EpochsRun);
        // The functionals model sees the final networks' actors.
        var finalActors = finalJobs[0].TrainingActors.ToHashSet();
        var functionals = FunctionalsTrainer.Fit(clips.Where(c => finalActors.Contains(c.Actor)).ToArray(), options);
        return new CrnnOutcome(metrics, new TrainedNetwork(
            NetworkType.Crnn, fit.Architecture, fit.Module, null, run, metrics, Profile, functionals));
    }
}
