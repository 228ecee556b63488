using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.ModelSets;
using EmotionRecognition.Trainer.Cli;
using EmotionRecognition.Trainer.Corpus;
using EmotionRecognition.Trainer.Training;

namespace EmotionRecognition.Trainer.Sequence;

/// <summary>
/// The CRNN's k-fold cross-validation by actor, on exactly the folds the other networks use: each fold
/// trains on all its non-test actors and predicts the whole clips of its test actors, whom nothing in that fold has heard.
/// </summary>
internal static class SequenceCrossValidation
{
    /// <summary>The jobs of every fold: <see cref="SequenceTrainingOptions.Members"/> networks per fold on its training and
    /// validation actors (no epoch is chosen, so none are held out), seeds run seed + fold index (+ 1000·k).</summary>
    public static IEnumerable<SequenceJob> Jobs(IReadOnlyList<ActorFold> folds, SequenceTrainingOptions options, int seed) =>
        folds.SelectMany(fold => SequenceJob.Members($"fold {fold.Index}", fold.TrainingActors.Concat(fold.ValidationActors), seed + fold.Index, options));

    /// <summary>
    /// Classifies each fold's test actors with the ensemble of that fold's members (<paramref name="memberFits"/>: the fits of
    /// <see cref="Jobs"/>, in its order; this method disposes them) and pools the predictions of all folds.
    /// </summary>
    public static CrossValidatedMetrics Evaluate(
        IReadOnlyList<LabeledClip<SequenceExample>> clips,
        IReadOnlyList<ActorFold> folds,
        IReadOnlyList<SequenceFit> memberFits,
        SequenceTrainingOptions options,
        IProgressReporter progress,
        ConditionBenchmark? benchmark = null,
        CancellationToken ct = default)
    {
        // Networks trained in worker processes leave this process at libtorch's default thread count, whose spinning
        // OpenMP workers slow classification many times over on a loaded machine.
        TorchSharp.torch.set_num_threads(options.Threads);
        var results = new List<(int[] Truth, int[] Predicted)>();
        var conditioned = benchmark?.NewPredictions();
        for (int f = 0; f < folds.Count; f++)
        {
            var fold = folds[f];
            var testClips = clips.Where(c => fold.TestActors.Contains(c.Actor)).ToArray();
            var test = LabeledSequences.From(testClips);
            var fit = SequenceEnsemble.Join(memberFits.Skip(f * options.Members).Take(options.Members).ToArray());
            // The functionals model, like the networks, sees every actor of the fold but its test actors.
            var functionals = FunctionalsTrainer.Fit(clips.Where(c => !fold.TestActors.Contains(c.Actor)).ToArray(), options);
            string parts = "";
            using (fit.Module)
            {
                // Scored through the classifier call the Api serves with, on the fold's networks and functionals model as the
                // saved set would carry them: what is evaluated is what is served.
                using var served = ModelStore.InMemory(new ModelSetDraft(0, "", FeatureProfile.Compat, [new TrainedNetwork(
                    NetworkType.Crnn, fit.Architecture, fit.Module, null, new TrainingRun([], [], 0, 0, 0), null, CrnnTraining.ProfileFor(options), functionals)]));
                var probabilities = testClips.Select(c => served.ClassifyAsync(NetworkType.Crnn, c.Features.Input)
                    .AsTask().GetAwaiter().GetResult()).ToArray();
                if (functionals is not null)
                {
                    // Each part's own accuracy too, so the log shows what the mix adds.
                    var networks = SequenceTrainer.PredictProbabilities(fit.Module, test.Features);
                    var own = testClips.Select(c => functionals.Probabilities(c.Features.Functionals!)).ToArray();
                    parts = $" (networks alone {Accuracy((test.Classes, networks.Select(Probabilities.ArgMax).ToArray())):P1}, " +
                        $"functionals alone {Accuracy((test.Classes, own.Select(Probabilities.ArgMax).ToArray())):P1})";
                }
                results.Add((test.Classes, probabilities.Select(Probabilities.ArgMax).ToArray()));
                if (benchmark is not null)
                {
                    benchmark.Score(conditioned!, CrossValidation.TestClips(clips, fold), inputs => inputs
                        .Select(input => Probabilities.ArgMax(served.ClassifyAsync(NetworkType.Crnn, input.Sequence!).AsTask().GetAwaiter().GetResult()))
                        .ToArray(), ct);
                }
            }
            progress.Info($"  fold {fold.Index} {NetworkType.Crnn.Name()} ({fit.Architecture}): epochs {fit.Epochs}, " +
                $"test accuracy {Accuracy(results[^1]):P1}{parts}, {fit.SecondsPerEpoch:F1} s/epoch");
        }
        var actors = clips.Select(c => c.Actor).Distinct().Order().ToArray();
        return CrossValidation.Pool(Protocol(actors, folds, options), results) with { Conditions = conditioned?.Scores() };
    }

    public static string Protocol(IReadOnlyList<int> actors, IReadOnlyList<ActorFold> folds, SequenceTrainingOptions options) =>
        $"{folds.Count}-fold cross-validation by actor over actors {CrossValidation.FormatActors(actors)} ({actors.Count} speakers; " +
        $"the same gender-balanced folds as the other networks, each testing on actors never seen in training); " +
        $"no epoch is chosen on any actor: each network is the mean of its weights over the last {options.AverageLastShare:P0} of its " +
        "fixed schedule, trained on all of the fold's other actors; " +
        "features are normalised per utterance (no statistics shared across speakers)" +
        (options.PitchRows > 0 ? $", with {options.PitchRows} pitch rows (YIN periodicity, F0, intonation) beside the mel bands" : "") +
        (options.FunctionalsWeight > 0
            ? $"; the networks' probabilities are mixed {(1 - options.FunctionalsWeight).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} : " +
              $"{options.FunctionalsWeight.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} with a logistic regression on {ClipFunctionals.Count(CrnnTraining.ProfileFor(options).MelBands)} " +
              "clip-level statistics (level-relative spectral envelope, cepstral and pitch statistics), fitted on each fold's non-test actors' clips, " +
              "each also under eight speaker perturbations (±1 mel band, ±1 semitone)"
            : "") +
        ". Metrics pool the test predictions of all folds.";

    private static double Accuracy((int[] Truth, int[] Predicted) fold) =>
        fold.Truth.Length == 0 ? 0 : fold.Truth.Zip(fold.Predicted).Count(p => p.First == p.Second) / (double)fold.Truth.Length;
}
