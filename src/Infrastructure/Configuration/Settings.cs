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
        Path = configuration.ResolvePath(ConfigurationValues.Text(configuration, Section, "path", "models")),
        ReloadPollSeconds = ConfigurationValues.Real(configuration, Section, "reload_poll_seconds", 2, min: 0),
    };
}

/// <summary>
/// Typed reads of config.ini keys, for the Api's and the Trainer's settings alike: an unset or blank key takes the fallback;
/// a value that does not parse or lies outside its range is an <see cref="InvalidConfigurationException"/> of the form
/// <c>[section] key = 'text' is not …</c>.
/// </summary>
public static class ConfigurationValues
{
    public static string Text(IConfiguration configuration, string section, string key, string fallback) =>
        configuration[$"{section}:{key}"] is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : fallback;

    public static int Integer(IConfiguration configuration, string section, string key, int fallback, int min, int max = int.MaxValue)
    {
        var text = configuration[$"{section}:{key}"];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }
        return int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw Invalid(section, key, text, max == int.MaxValue ? $"a whole number >= {min}" : $"a whole number from {min} to {max}");
    }

    /// <summary>A finite number in [<paramref name="min"/>, <paramref name="max"/>]; with <paramref name="exclusiveMin"/> above <paramref name="min"/>.</summary>
    public static double Real(
        IConfiguration configuration, string section, string key, double fallback, double min, double max = double.MaxValue, bool exclusiveMin = false)
    {
        var text = configuration[$"{section}:{key}"];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }
        if (double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            && (exclusiveMin ? value > min : value >= min) && value <= max)
        {
            return value;
        }
        var range = (exclusiveMin ? $"a number > {min}" : $"a number >= {min}") + (max < double.MaxValue ? $" and <= {max}" : "");
        throw Invalid(section, key, text, range);
    }

    /// <summary><c>true</c> or <c>false</c> (any case).</summary>
    public static bool Boolean(IConfiguration configuration, string section, string key, bool fallback)
    {
        var text = configuration[$"{section}:{key}"];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }
        return bool.TryParse(text.Trim(), out var value) ? value : throw Invalid(section, key, text, "true or false");
    }

    public static InvalidConfigurationException Invalid(string section, string key, string text, string expected) =>
        new($"[{section}] {key} = '{text}' is not {expected}.");
}
