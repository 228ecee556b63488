using System.Diagnostics;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Configuration;
using EmotionRecognition.Trainer.Settings;
using EmotionRecognition.Infrastructure.Models;
using EmotionRecognition.Infrastructure.ModelSets;
using EmotionRecognition.Trainer.Cli;
using EmotionRecognition.Trainer.Conditions;
using EmotionRecognition.Trainer.Corpus;
using EmotionRecognition.Trainer.Reports;
using EmotionRecognition.Trainer.Sequence;

namespace EmotionRecognition.Trainer.Training;

/// <summary>What <c>train</c> works with: resolved folders, training settings and the CRNN recipe.</summary>
/// <param name="Baselines">Also cross-validate the ML.NET baselines on the MFCC vectors (<c>train --baselines</c>).</param>
internal sealed record TrainSettings(
    DataOptions Data, ModelsOptions Models, TrainingOptions Training, bool IncludeSong, SequenceTrainingOptions Crnn, bool Baselines = false);

/// <summary>What <c>train</c> produced.</summary>
internal sealed record TrainOutcome(string SetId, string SetFolder, TrainingReport Report);

/// <summary>
/// The <c>train</c> use case: read the corpus, extract (or reuse cached) features, cross-validate every
/// model by actor, train the final networks, and save them with their reports as a new model set.
/// </summary>
internal sealed class TrainModels(FeatureProfile profile, ExtractorFactory extractors, IProgressReporter progress)
{
    public TrainOutcome Run(TrainSettings settings, CancellationToken ct)
    {
        var options = settings.Training;
        var seconds = new Dictionary<string, double>();
        var total = Stopwatch.StartNew();
        var step = Stopwatch.StartNew();

        var scan = CorpusScan.Read(settings.Data.SourcePath, settings.IncludeSong);
        progress.Info($"Data: {scan.Root}: {scan.Files.Count} RAVDESS clips, {scan.Skipped.Count} other WAV files skipped");
        bool trainsCrnn = options.Networks.Contains(NetworkType.Crnn);
        var scanActors = scan.Files.Select(f => f.Name.Actor).Distinct().Order().ToArray();
        var groups = scanActors.Length >= options.Folds ? ActorSplits.Folds(scanActors, options.Folds, options.Seed) : [];
        var reader = new CorpusReader(profile, extractors, options.SpeedPerturbation, trainsCrnn ? CrnnTraining.ProfileFor(settings.Crnn) : null,
            new FeatureCache(settings.Data.CachePath), perturbedFunctionals: settings.Crnn.FunctionalsWeight > 0, options.ConditionCopies, groups);
        var read = reader.Read(scan, progress, ct);
        IReadOnlyList<LabeledClip<float[]>> augmented = [.. read.SpeedCopies, .. read.ConditionCopies];
        progress.Info($"Features: {read.CacheHits} clips from cache, {read.Extracted} extracted, {read.Skipped.Count} files skipped in total");
        seconds["features"] = Lap(step);
        var actors = read.Actors;
        if (actors.Count < options.Folds + options.ValidationActors)
        {
            throw new InvalidDataException(
                $"'{scan.Root}' has usable clips from {actors.Count} actor(s); {options.Folds}-fold cross-validation by actor with " +
                $"{options.ValidationActors} validation actor(s) needs at least {options.Folds + options.ValidationActors}.");
        }

        ConditionBenchmark? benchmark = null;
        if (options.BenchmarkConditions)
        {
            benchmark = new ConditionBenchmark(reader.Conditioned(scan), RecordingConditions.Benchmark);
            benchmark.Prepare(ConditionBenchmark.ClipsOf(read.Vectors), progress, ct);
            seconds["benchmark features"] = Lap(step);
        }
        var vectorNetworks = options.Networks.Where(n => n.TakesMfccVector()).ToArray();
        var cv = CrossValidation.Run(read.Vectors, augmented, options, vectorNetworks, settings.Baselines, progress, ct, benchmark);
        seconds["cross-validation"] = Lap(step);

        var validationActors = ActorSplits.Validation(actors.ToArray(), options.ValidationActors, options.Seed);
        var fold = new ActorFold(0, [], validationActors, actors.Except(validationActors).ToArray());
        var (train, validation, _, standardization) = CrossValidation.Split(read.Vectors, augmented, fold);
        var networks = new List<TrainedNetwork>();
        progress.Run("Final networks", vectorNetworks.Length, advance =>
        {
            foreach (var network in vectorNetworks)
            {
                var architecture = NetworkArchitectures.Default(network);
                var fit = NetworkTrainer.Fit(network, architecture, train, validation, options, options.Seed, ct);
                var run = new TrainingRun(fold.TrainingActors, fold.ValidationActors, train.Count, fit.BestEpoch, fit.EpochsRun);
                networks.Add(new TrainedNetwork(network, architecture, fit.Module, standardization, run, cv.Models[network.Name()]));
                advance(1);
            }
        });
        seconds["final networks"] = Lap(step);

        // The audio-only CRNN: same folds, same final actors, its own sequence features and profile.
        var crossValidation = cv.Models;
        if (trainsCrnn)
        {
            var crnn = settings.Crnn;
            progress.Info($"{NetworkType.Crnn.Name()}: {(cv.Folds.Count + 1) * crnn.Members} networks ({cv.Folds.Count} folds and the final model, " +
                $"each an ensemble of {crnn.EnsembleText} networks x epochs), {options.Workers} at a time");
            var outcome = new CrnnTraining(crnn, SequenceJobRunners.For(options.Workers, Path.Combine(settings.Data.CachePath, "crnn-networks")), progress).Run(read.Sequences!, cv.Folds, fold, options.Seed, ct, benchmark);
            networks.Add(outcome.Network);
            crossValidation = new Dictionary<string, CrossValidatedMetrics>(cv.Models) { [NetworkType.Crnn.Name()] = outcome.Metrics };
            seconds["crnn"] = Lap(step);
        }

        try
        {
            var store = new ModelStore(settings.Models.Path);
            var setId = store.Save(new ModelSetDraft(options.Seed, read.Fingerprint, profile, networks));
            var folder = Path.Combine(store.Root, setId);
            seconds["total"] = total.Elapsed.TotalSeconds;
            var report = new TrainingReport(
                // Relative to the working directory, so a shipped report names no machine's paths.
                setId, DateTimeOffset.UtcNow, Path.GetRelativePath(Directory.GetCurrentDirectory(), scan.Root), read.Fingerprint, profile, options,
                scan.Files.Count + scan.Skipped.Count,
                read.Vectors.Count, actors,
                read.Skipped.Select(s => s with { Path = Path.GetRelativePath(scan.Root, s.Path) }).ToArray(),
                read.CacheHits, read.Extracted, augmented.Count, cv.Protocol, cv.Folds, crossValidation,
                networks.ToDictionary(n => n.Network.Name(), n => n.Training),
                seconds, Emotions.AllLabels);
            // After the set is published: the Api reads only the manifest and weights, and a report is the run's record of itself.
            ReportWriter.Write(folder, report);
            return new TrainOutcome(setId, folder, report);
        }
        finally
        {
            foreach (var network in networks)
            {
                network.Module.Dispose();
            }
        }
    }

    private static double Lap(Stopwatch step)
    {
        var elapsed = step.Elapsed.TotalSeconds;
        step.Restart();
        return elapsed;
    }
}
