using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace EmotionRecognition.Infrastructure.Configuration;

/// <summary>Where trained model sets live (<c>[models] path</c>), resolved to an absolute folder.</summary>
public sealed class ModelsOptions
{
    public const string Section = "models";

    public string Path { get; set; } = "";

    /// <summary>How often the Api checks <c>current</c> for a newly published set (<c>reload_poll_seconds</c>); 0 turns reloading off.</summary>
    public double ReloadPollSeconds { get; set; } = 2;

    public static ModelsOptions From(IConfiguration configuration) => new()
    {
        Path = configuration.ResolvePath(Settings.Text(configuration, Section, "path", "models")),
        ReloadPollSeconds = Settings.Real(configuration, Section, "reload_poll_seconds", 2, allowZero: true),
    };
}

/// <summary>
/// <c>[data]</c>: the RAVDESS folder (<c>source_path</c>, the original service's key) and the
/// feature cache folder (<c>cache_path</c>), both resolved to absolute paths.
/// </summary>
public sealed record DataOptions(string SourcePath, string CachePath)
{
    public const string Section = "data";

    public static DataOptions From(IConfiguration configuration) => new(
        configuration.ResolvePath(Settings.Text(configuration, Section, "source_path", "data/ravdess")),
        configuration.ResolvePath(Settings.Text(configuration, Section, "cache_path", ".cache/features")));
}

/// <summary>
/// <c>[training]</c>: everything that decides the trained weights. Same values and the same data give
/// byte-identical weights.
/// </summary>
/// <param name="Seed">Seeds torch (initialisation, dropout) and every shuffle and split.</param>
/// <param name="Epochs">Upper bound on epochs; early stopping usually ends sooner.</param>
/// <param name="Patience">Epochs without a better validation loss before training stops.</param>
/// <param name="BatchSize">Examples per optimiser step.</param>
/// <param name="LearningRate">Adam's step size.</param>
/// <param name="Folds">k of the k-fold cross-validation by actor.</param>
/// <param name="ValidationActors">Training actors held out for early stopping in each fold and in the final fit.</param>
/// <param name="Threads">torch threads while training; fixed so results are reproducible.</param>
/// <param name="WeightDecay">Adam's L2 penalty on the weights.</param>
/// <param name="LabelSmoothing">Share of each target spread evenly over all classes in the training loss.</param>
/// <param name="SpeedPerturbation">Speed factors at which training actors' clips are added again (augmentation); empty for none.</param>
public sealed record TrainingOptions(
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
    IReadOnlyList<double> SpeedPerturbation)
{
    public const string Section = "training";

    public static TrainingOptions Default { get; } = new(
        Seed: 20180516, Epochs: 300, Patience: 30, BatchSize: 32, LearningRate: 1e-3, Folds: 5, ValidationActors: 2, Threads: 1,
        WeightDecay: 0, LabelSmoothing: 0, SpeedPerturbation: [0.9, 1.1]);

    public static TrainingOptions From(IConfiguration configuration)
    {
        var d = Default;
        return new TrainingOptions(
            Seed: Settings.Integer(configuration, Section, "seed", d.Seed, min: 0),
            Epochs: Settings.Integer(configuration, Section, "epochs", d.Epochs, min: 1),
            Patience: Settings.Integer(configuration, Section, "patience", d.Patience, min: 1),
            BatchSize: Settings.Integer(configuration, Section, "batch_size", d.BatchSize, min: 1),
            LearningRate: Settings.Real(configuration, Section, "learning_rate", d.LearningRate),
            Folds: Settings.Integer(configuration, Section, "folds", d.Folds, min: 2),
            ValidationActors: Settings.Integer(configuration, Section, "validation_actors", d.ValidationActors, min: 1),
            Threads: Settings.Integer(configuration, Section, "threads", d.Threads, min: 1),
            WeightDecay: Settings.Real(configuration, Section, "weight_decay", d.WeightDecay, allowZero: true),
            LabelSmoothing: Settings.Real(configuration, Section, "label_smoothing", d.LabelSmoothing, allowZero: true, max: 0.5),
            SpeedPerturbation: Settings.Factors(configuration, Section, "speed_perturbation", d.SpeedPerturbation));
    }
}

internal static class Settings
{
    public static string Text(IConfiguration configuration, string section, string key, string fallback) =>
        configuration[$"{section}:{key}"] is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : fallback;

    public static int Integer(IConfiguration configuration, string section, string key, int fallback, int min)
    {
        var text = configuration[$"{section}:{key}"];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }
        if (!int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min)
        {
            throw new InvalidConfigurationException($"[{section}] {key} = '{text}' is not a whole number >= {min}.");
        }
        return value;
    }

    /// <summary>A comma-separated list of speed factors between 0.5 and 2, other than 1; "none" or empty for none.</summary>
    public static IReadOnlyList<double> Factors(IConfiguration configuration, string section, string key, IReadOnlyList<double> fallback)
    {
        var text = configuration[$"{section}:{key}"];
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
                throw new InvalidConfigurationException($"[{section}] {key} = '{text}' is not a list of speed factors between 0.5 and 2 other than 1 (or 'none').");
            }
            factors.Add(factor);
        }
        return factors.Distinct().Order().ToArray();
    }

    public static double Real(IConfiguration configuration, string section, string key, double fallback, bool allowZero = false, double max = double.MaxValue)
    {
        var text = configuration[$"{section}:{key}"];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }
        if (!double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(allowZero ? value >= 0 : value > 0) || !(value <= max))
        {
            var range = (allowZero ? "a number >= 0" : "a number > 0") + (max < double.MaxValue ? $" and <= {max}" : "");
            throw new InvalidConfigurationException($"[{section}] {key} = '{text}' is not {range}.");
        }
        return value;
    }
}
