using System.Diagnostics;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Configuration;
using EmotionRecognition.Infrastructure.Models;
using EmotionRecognition.Infrastructure.ModelStore;
using EmotionRecognition.Trainer.Cli;
using EmotionRecognition.Trainer.Corpus;
using EmotionRecognition.Trainer.Reports;
using EmotionRecognition.Trainer.Sequence;

namespace EmotionRecognition.Trainer.Training;

/// <summary>What <c>train</c> works with: resolved folders and training settings; <paramref name="Crnn"/> null or disabled trains CNN and DNN only.</summary>
public sealed record TrainSettings(DataOptions Data, ModelsOptions Models, TrainingOptions Training, bool IncludeSong, CrnnSettings? Crnn = null);

/// <summary>What <c>train</c> produced.</summary>
public sealed record TrainOutcome(string SetId, string SetFolder, TrainingReport Report);

/// <summary>
/// The <c>train</c> use case: read the corpus, extract (or reuse cached) features, cross-validate every
/// model by actor, train the final networks, and save them with their reports as a new model set.
/// </summary>
public sealed class TrainModels(FeatureProfile profile, ExtractorFactory extractors, IProgressReporter progress)
{
    public TrainOutcome Run(TrainSettings settings, CancellationToken ct)
    {
        var options = settings.Training;
        var seconds = new Dictionary<string, double>();
        var total = Stopwatch.StartNew();
        var step = Stopwatch.StartNew();

        var scan = CorpusScan.Read(settings.Data.SourcePath, settings.IncludeSong);
        progress.Info($"Data: {scan.Root}: {scan.Files.Count} RAVDESS clips, {scan.Skipped.Count} other WAV files skipped");
        var cache = new FeatureCache(settings.Data.CachePath, profile);
        var features = new ClipFeatureReader(profile, extractors(profile, 1.0), cache).Read(scan, progress, ct);
        progress.Info($"Features: {features.CacheHits} from cache, {features.Extracted} extracted, {features.Skipped.Count} files skipped in total");
        var augmented = Augment(scan.Root, features, settings, ct, out int augmentedHits, out int augmentedExtracted);
        seconds["features"] = Lap(step);
        var actors = features.Actors;
        if (actors.Count < options.Folds + options.ValidationActors)
        {
            throw new InvalidDataException(
                $"'{scan.Root}' has usable clips from {actors.Count} actor(s); {options.Folds}-fold cross-validation by actor with " +
                $"{options.ValidationActors} validation actor(s) needs at least {options.Folds + options.ValidationActors}.");
        }

        var cv = CrossValidation.Run(features.Clips, augmented, options, progress, ct);
        seconds["cross-validation"] = Lap(step);

        var validationActors = ActorSplits.Validation(actors.ToArray(), options.ValidationActors, options.Seed);
        var fold = new ActorFold(0, [], validationActors, actors.Except(validationActors).ToArray());
        var (train, validation, _, standardization) = CrossValidation.Split(features.Clips, augmented, fold);
        var networks = new List<TrainedNetwork>();
        progress.Run("Final networks", NetworkTypes.MfccVector.Count, advance =>
        {
            foreach (var network in NetworkTypes.MfccVector)
            {
                var architecture = NetworkArchitectures.Default(network);
                var fit = NetworkTrainer.Fit(network, architecture, train, validation, options, options.Seed, ct);
                var run = new TrainingRun(fold.TrainingActors, fold.ValidationActors, train.Count, fit.BestEpoch, fit.EpochsRun);
                networks.Add(new TrainedNetwork(network, architecture, fit.Module, standardization, run, cv.Models[network.Name()]));
                advance(1);
            }
        });
        seconds["final networks"] = Lap(step);

        // The audio-only CRNN (issue 7): same folds, same final actors, its own sequence features and profile.
        var crossValidation = cv.Models;
        if (settings.Crnn is { Enabled: true } crnn)
        {
            progress.Info($"{NetworkType.Crnn.Name()}: {(cv.Folds.Count + 1) * crnn.Options.Members} networks ({cv.Folds.Count} folds and the final model, " +
                $"each an ensemble of {crnn.Options.EnsembleText} networks x epochs), {crnn.Workers} at a time");
            var outcome = new CrnnTraining(crnn.Options, SequenceJobRunners.For(crnn.Workers), progress).Run(scan, settings.Data.CachePath, cv.Folds, fold, options.Seed, ct);
            networks.Add(outcome.Network);
            crossValidation = new Dictionary<string, CrossValidatedMetrics>(cv.Models) { [NetworkType.Crnn.Name()] = outcome.Metrics };
            seconds["crnn"] = Lap(step);
        }

        try
        {
            var store = new ModelStore(settings.Models.Path);
            var draft = new ModelSetDraft(options.Seed, features.Fingerprint, profile, networks);
            TrainingReport? report = null;
            var setId = store.Save(draft, (folder, id) =>
            {
                seconds["total"] = total.Elapsed.TotalSeconds;
                report = new TrainingReport(
                    // Relative to the working directory, so a shipped report names no machine's paths.
                    id, DateTimeOffset.UtcNow, Path.GetRelativePath(Directory.GetCurrentDirectory(), scan.Root), features.Fingerprint, profile, options,
                    scan.Files.Count + scan.Skipped.Count,
                    features.Clips.Count, actors,
                    features.Skipped.Select(s => s with { Path = Path.GetRelativePath(scan.Root, s.Path) }).ToArray(),
                    features.CacheHits + augmentedHits, features.Extracted + augmentedExtracted, augmented.Count, cv.Protocol, cv.Folds, crossValidation,
                    networks.ToDictionary(n => n.Network.Name(), n => n.Training),
                    seconds, Emotions.AllLabels);
                ReportWriter.Write(folder, report);
            });
            return new TrainOutcome(setId, Path.Combine(store.Root, setId), report!);
        }
        finally
        {
            foreach (var network in networks)
            {
                network.Module.Dispose();
            }
        }
    }

    /// <summary>Speed-perturbed copies of every usable clip, through the same pipeline and cache (one cache folder per factor).</summary>
    private List<LabeledClip> Augment(string root, FeatureSet features, TrainSettings settings, CancellationToken ct, out int hits, out int extracted)
    {
        var usable = new CorpusScan(root, features.Clips.Select(c => new CorpusFile(c.Path, c.Name)).ToArray(), []);
        var augmented = new List<LabeledClip>();
        hits = 0;
        extracted = 0;
        foreach (var speed in settings.Training.SpeedPerturbation)
        {
            var variant = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"speed{speed:0.00#}");
            var cache = new FeatureCache(settings.Data.CachePath, profile, variant);
            var copies = new ClipFeatureReader(profile, extractors(profile, speed), cache).Read(usable, progress, ct, $"Features ×{speed:0.00#}");
            augmented.AddRange(copies.Clips);
            hits += copies.CacheHits;
            extracted += copies.Extracted;
        }
        return augmented;
    }

    private static double Lap(Stopwatch step)
    {
        var elapsed = step.Elapsed.TotalSeconds;
        step.Restart();
        return elapsed;
    }
}
