using System.Globalization;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Configuration;
using Microsoft.Extensions.Configuration;
using static EmotionRecognition.Infrastructure.Configuration.ConfigurationValues;

namespace EmotionRecognition.Trainer.Settings;

/// <summary>
/// <c>[data]</c>: the RAVDESS folder (<c>source_path</c>, the original service's key) and the
/// feature cache folder (<c>cache_path</c>), both resolved to absolute paths.
/// </summary>
internal sealed record DataOptions(string SourcePath, string CachePath)
{
    public const string Section = "data";

    public static DataOptions From(IConfiguration configuration) => new(
        configuration.ResolvePath(Text(configuration, Section, "source_path", "data/ravdess")),
        configuration.ResolvePath(Text(configuration, Section, "cache_path", ".cache/features")));
}

/// <summary>
/// <c>[training]</c>: which networks train, and everything that decides the CNN's and DNN's weights. Same values and the
/// same data give byte-identical weights. config.ini lists the keys a user sets; the others keep the shipped recipe
/// (docs/crnn.md, Recipe keys).
/// </summary>
/// <param name="Seed">Seeds torch (initialisation, dropout) and every shuffle and split.</param>
/// <param name="Epochs">Upper bound on the CNN's and DNN's epochs; early stopping usually ends sooner.</param>
/// <param name="Patience">Epochs without a better validation loss before training stops.</param>
/// <param name="BatchSize">Examples per optimiser step.</param>
/// <param name="LearningRate">Adam's step size.</param>
/// <param name="Folds">k of the k-fold cross-validation by actor.</param>
/// <param name="ValidationActors">Training actors held out for the CNN's and DNN's early stopping, in each fold and in the final fit.</param>
/// <param name="Threads">torch threads while training; fixed so results are reproducible.</param>
/// <param name="WeightDecay">Adam's L2 penalty on the weights.</param>
/// <param name="LabelSmoothing">Share of each target spread evenly over all classes in the training loss.</param>
/// <param name="SpeedPerturbation">Speed factors at which training actors' clips are added again (augmentation); empty for none.</param>
/// <param name="Networks">The networks <c>train</c> trains and saves.</param>
/// <param name="Workers">CRNN networks trained at once, each in its own worker process (1: one after the other in the
/// Trainer's process). Changes how long training takes, never the weights.</param>
internal sealed record TrainingOptions(
    int Seed,
    int Epochs,
    int Patience,
    int BatchSize,
    double LearningRate,
    int Folds,
    int ValidationActors,
    int Threads,
    double WeightDecay,
    double LabelSmoothing,
    IReadOnlyList<double> SpeedPerturbation,
    IReadOnlyList<NetworkType> Networks,
    int Workers)
{
    public const string Section = "training";

    /// <summary>
    /// Multi-condition training: each clip is also trained on under this many recording conditions drawn at random from the
    /// training distribution (<see cref="Conditions.RecordingConditions.Draw"/>: noise, level, band limits, codecs, echo, clipping…),
    /// for every network (the CNN's and DNN's features stay librosa's; only the audio they are computed from changes). 0: clean
    /// audio only (<c>condition_copies</c>).
    /// </summary>
    public int ConditionCopies { get; init; } = 4;

    /// <summary>Score every cross-validation fold under the benchmark's recording conditions too (<c>benchmark_conditions</c>).</summary>
    public bool BenchmarkConditions { get; init; } = true;

    public static TrainingOptions Default { get; } = new(
        Seed: 20180516, Epochs: 300, Patience: 30, BatchSize: 32, LearningRate: 1e-3, Folds: 5, ValidationActors: 2, Threads: 1,
        WeightDecay: 0, LabelSmoothing: 0, SpeedPerturbation: [0.9, 1.1], Networks: [NetworkType.Cnn, NetworkType.Dnn, NetworkType.Crnn],
        Workers: 1);

    public static TrainingOptions From(IConfiguration configuration)
    {
        var d = Default;
        int threads = Integer(configuration, Section, "threads", d.Threads, min: 1);
        return new TrainingOptions(
            Seed: Integer(configuration, Section, "seed", d.Seed, min: 0),
            Epochs: Integer(configuration, Section, "epochs", d.Epochs, min: 1),
            Patience: Integer(configuration, Section, "patience", d.Patience, min: 1),
            BatchSize: Integer(configuration, Section, "batch_size", d.BatchSize, min: 1),
            LearningRate: Real(configuration, Section, "learning_rate", d.LearningRate, min: 0, exclusiveMin: true),
            Folds: Integer(configuration, Section, "folds", d.Folds, min: 2),
            ValidationActors: Integer(configuration, Section, "validation_actors", d.ValidationActors, min: 1),
            Threads: threads,
            WeightDecay: Real(configuration, Section, "weight_decay", d.WeightDecay, min: 0),
            LabelSmoothing: Real(configuration, Section, "label_smoothing", d.LabelSmoothing, min: 0, max: 0.5),
            SpeedPerturbation: Factors(configuration, "speed_perturbation", d.SpeedPerturbation),
            Networks: NetworkList(configuration, "networks", d.Networks),
            // Default: one worker per core, each running the configured torch threads.
            Workers: Integer(configuration, Section, "workers", Math.Max(1, Environment.ProcessorCount / threads), min: 1, max: 256))
        {
            ConditionCopies = Integer(configuration, Section, "condition_copies", d.ConditionCopies, min: 0, max: 32),
            BenchmarkConditions = Boolean(configuration, Section, "benchmark_conditions", d.BenchmarkConditions),
        };
    }

    /// <summary>A comma-separated list of speed factors between 0.5 and 2, other than 1; "none" or empty for none.</summary>
    private static IReadOnlyList<double> Factors(IConfiguration configuration, string key, IReadOnlyList<double> fallback)
    {
        var text = configuration[$"{Section}:{key}"];
        if (text is null)
        {
            return fallback;
        }
        if (string.IsNullOrWhiteSpace(text) || text.Trim().Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }
        var factors = new List<double>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var factor) || !(factor is >= 0.5 and <= 2) || factor == 1)
            {
                throw Invalid(Section, key, text, "a list of speed factors between 0.5 and 2 other than 1 (or 'none')");
            }
            factors.Add(factor);
        }
        return factors.Distinct().Order().ToArray();
    }

    /// <summary>A comma-separated list of network names (any case), each once; in the order CNN, DNN, CRNN.</summary>
    private static IReadOnlyList<NetworkType> NetworkList(IConfiguration configuration, string key, IReadOnlyList<NetworkType> fallback)
    {
        var text = configuration[$"{Section}:{key}"];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }
        var networks = new List<NetworkType>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!NetworkTypes.TryParse(part, out var network) || networks.Contains(network))
            {
                throw Invalid(Section, key, text, $"a list of distinct networks from {NetworkTypes.ValidNames}");
            }
            networks.Add(network);
        }
        return networks.Order().ToArray();
    }
}
