using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Configuration;
using EmotionRecognition.Trainer.Settings;
using EmotionRecognition.Infrastructure.Models;
using EmotionRecognition.Infrastructure.ModelSets;
using EmotionRecognition.Trainer.Cli;
using EmotionRecognition.Trainer.Corpus;

namespace EmotionRecognition.Trainer.Training;

/// <summary>One fold: the actors it tests on, the ones that stop training early, and the rest.</summary>
internal sealed record ActorFold(int Index, int[] TestActors, int[] ValidationActors, int[] TrainingActors);

/// <summary>Cross-validated metrics of every model (networks and baselines) plus the folds used.</summary>
internal sealed record CrossValidationResult(
    string Protocol,
    IReadOnlyList<ActorFold> Folds,
    IReadOnlyDictionary<string, CrossValidatedMetrics> Models);

/// <summary>
/// k-fold cross-validation by actor: each fold trains on the other folds' actors (minus a few
/// validation actors for early stopping), standardises with statistics of its own training actors
/// only, and tests on actors no model in that fold has heard.
/// </summary>
internal static class CrossValidation
{
    /// <param name="clips">The clips as served: their features are what serving computes.</param>
    /// <param name="augmented">Speed-perturbed copies; only those of a fold's training actors are trained on.</param>
    /// <param name="networks">The MFCC-vector networks to cross-validate (CRNN has its own cross-validation on the same folds).</param>
    /// <param name="baselines">Also the ML.NET <see cref="Baselines"/>, which show what the networks add.</param>
    /// <param name="benchmark">Also score each fold's networks on its test clips under the benchmark's recording conditions.</param>
    public static CrossValidationResult Run(
        IReadOnlyList<LabeledClip<float[]>> clips, IReadOnlyList<LabeledClip<float[]>> augmented, TrainingOptions options, IReadOnlyList<NetworkType> networks,
        bool baselines, IProgressReporter progress, CancellationToken ct, ConditionBenchmark? benchmark = null)
    {
        IReadOnlyList<string> baselineNames = baselines ? Baselines.Names : [];
        IReadOnlyList<string> modelNames = [.. networks.Select(n => n.Name()), .. baselineNames];
        var actors = clips.Select(c => c.Actor).Distinct().Order().ToArray();
        var folds = Folds(actors, options);
        var conditioned = networks.ToDictionary(n => n.Name(), _ => benchmark?.NewPredictions());

        var predictions = modelNames.ToDictionary(m => m, _ => new List<(int[] Truth, int[] Predicted)>());
        progress.Run("Cross-validation", folds.Length * modelNames.Count, advance =>
        {
            foreach (var fold in folds)
            {
                var split = Split(clips, augmented, fold);
                var testRows = split.Test.Rows;
                var testMfccs = clips.Where(c => fold.TestActors.Contains(c.Actor)).Select(c => c.Features).ToArray();
                foreach (var network in networks)
                {
                    var architecture = NetworkArchitectures.Default(network);
                    var fit = NetworkTrainer.Fit(network, architecture, split.Train, split.Validation, options, options.Seed + fold.Index, ct);
                    using (fit.Module)
                    {
                        // Scored through the classifier call the Api serves with, on the fold's network and standardisation as
                        // the saved set would carry them: what is evaluated is what is served.
                        using var served = ModelStore.InMemory(new ModelSetDraft(0, "", FeatureProfile.Compat, [new TrainedNetwork(
                            network, architecture, fit.Module, split.Standardization, new TrainingRun([], [], 0, 0, 0), null)]));
                        int[] Classify(IReadOnlyList<float[]> mfccs) => served.ClassifyMany(network, mfccs).Select(Probabilities.ArgMax).ToArray();
                        predictions[network.Name()].Add((split.Test.Classes, Classify(testMfccs)));
                        if (benchmark is not null)
                        {
                            benchmark.Score(conditioned[network.Name()]!, TestClips(clips, fold), inputs => Classify(inputs.Select(i => i.Mfccs).ToArray()), ct);
                        }
                    }
                    progress.Info($"  fold {fold.Index} {network.Name()}: best epoch {fit.BestEpoch} of {fit.EpochsRun}");
                    advance(1);
                }
                // Baselines need no early stopping: they see all of the fold's training actors.
                var all = Concat(split.Train, split.Validation);
                foreach (var baseline in baselineNames)
                {
                    ct.ThrowIfCancellationRequested();
                    predictions[baseline].Add((split.Test.Classes, Baselines.FitPredict(baseline, all, testRows, Emotions.Count, options.Seed + fold.Index)));
                    advance(1);
                }
            }
        });

        var protocol = Protocol(actors, folds.Length, options.ValidationActors);
        var metrics = predictions.ToDictionary(kv => kv.Key, kv => Pool(protocol, kv.Value) with
        {
            Conditions = conditioned.GetValueOrDefault(kv.Key)?.Scores(),
        });
        return new CrossValidationResult(protocol, folds, metrics);
    }

    /// <summary>The folds of these actors: each tests on one group of <see cref="ActorSplits.Folds"/>, stops early on a few
    /// validation actors of the rest, and trains on the others.</summary>
    public static ActorFold[] Folds(IReadOnlyList<int> actors, TrainingOptions options) =>
        ActorSplits.Folds(actors, options.Folds, options.Seed).Select((test, i) =>
        {
            var rest = actors.Except(test).ToArray();
            var validation = ActorSplits.Validation(rest, options.ValidationActors, options.Seed + i + 1);
            return new ActorFold(i + 1, test, validation, rest.Except(validation).ToArray());
        }).ToArray();

    /// <summary>A fold's test clips that the condition benchmark scores (<see cref="ConditionBenchmark.ClipsOf"/>), in corpus order.</summary>
    public static BenchmarkClip[] TestClips<T>(IEnumerable<LabeledClip<T>> clips, ActorFold fold) =>
        ConditionBenchmark.ClipsOf(clips.Where(c => fold.TestActors.Contains(c.Actor)));

    public static string Protocol(IReadOnlyList<int> actors, int folds, int validationActors) =>
        $"{folds}-fold cross-validation by actor over actors {FormatActors(actors)} ({actors.Count} speakers; " +
        $"each fold tests on {actors.Count / folds}-{(actors.Count + folds - 1) / folds} actors never seen in training, gender-balanced); " +
        $"networks stop early on {validationActors} further held-out training actors; standardisation fitted on each fold's training actors only; " +
        "speed-perturbed copies (if any) of training actors' clips only. " +
        "Metrics pool the test predictions of all folds.";

    public static string FormatActors(IReadOnlyList<int> actors) =>
        IsContiguous(actors) ? $"{actors[0]:00}-{actors[^1]:00}" : string.Join(",", actors.Select(a => a.ToString("00")));

    private static bool IsContiguous(IReadOnlyList<int> actors) =>
        actors.Count > 1 && actors.Zip(actors.Skip(1)).All(p => p.Second == p.First + 1);

    /// <summary>
    /// Standardised train, validation and test matrices of one fold. The statistics come from the
    /// training actors' plain clips; their augmented copies join the training matrix only.
    /// </summary>
    internal static (LabeledMatrix Train, LabeledMatrix Validation, LabeledMatrix Test, Standardization Standardization) Split(
        IReadOnlyList<LabeledClip<float[]>> clips, IReadOnlyList<LabeledClip<float[]>> augmented, ActorFold fold)
    {
        var train = clips.Where(c => fold.TrainingActors.Contains(c.Actor)).ToArray();
        var standardization = Standardization.Fit(train.Select(c => c.Features).ToArray());
        return (
            Matrix(train.Concat(augmented.Where(c => fold.TrainingActors.Contains(c.Actor))), standardization),
            Matrix(clips.Where(c => fold.ValidationActors.Contains(c.Actor)), standardization),
            Matrix(clips.Where(c => fold.TestActors.Contains(c.Actor)), standardization),
            standardization);
    }

    internal static LabeledMatrix Matrix(IEnumerable<LabeledClip<float[]>> clips, Standardization standardization)
    {
        var list = clips.ToArray();
        return new LabeledMatrix(
            list.Select(c => standardization.Apply(c.Features)).ToArray(),
            list.Select(c => (int)c.Emotion).ToArray());
    }

    private static LabeledMatrix Concat(LabeledMatrix a, LabeledMatrix b) =>
        new([.. a.Rows, .. b.Rows], [.. a.Classes, .. b.Classes]);

    /// <summary>The metrics of each fold's test predictions and of all folds' pooled: what every network's cross-validation reports.</summary>
    public static CrossValidatedMetrics Pool(string protocol, IReadOnlyList<(int[] Truth, int[] Predicted)> folds)
    {
        var perFold = folds.Select(f => ClassificationMetrics.From(f.Truth, f.Predicted, Emotions.Count)).ToArray();
        var pooled = ClassificationMetrics.From(
            folds.SelectMany(f => f.Truth).ToArray(), folds.SelectMany(f => f.Predicted).ToArray(), Emotions.Count);
        return new CrossValidatedMetrics(protocol, folds.Count, pooled,
            perFold.Select(m => m.Accuracy).ToArray(), perFold.Select(m => m.MacroF1).ToArray());
    }
}
