using Microsoft.Extensions.Configuration;

namespace EmotionRecognition.Infrastructure.Configuration;

/// <summary>
/// Loads <c>config.ini</c> (the original service's settings file) plus <c>EMOTION_</c> environment
/// variables. Override order: file &lt; environment &lt; whatever the host adds later (command line).
/// </summary>
public static class EmotionConfiguration
{
    public const string FileName = "config.ini";

    /// <summary>Environment variables with this prefix override the file: <c>EMOTION_DATA__SOURCE_PATH</c>.</summary>
    public const string EnvironmentPrefix = "EMOTION_";

    /// <summary>Names an explicit config.ini when set.</summary>
    public const string ConfigFileVariable = "EMOTION_CONFIG";

    /// <summary>The folder relative paths resolve against: config.ini's folder (or the working directory without one).</summary>
    internal const string BaseDirectoryKey = "configuration:base_directory";

    /// <summary>The config.ini in use; empty when none was found.</summary>
    internal const string FileKey = "configuration:file";

    /// <summary>
    /// Finds config.ini (the explicit <paramref name="path"/>, else <c>EMOTION_CONFIG</c>, else the first one
    /// walking up from the working directory, then from the application folder) and registers it followed by
    /// the <c>EMOTION_</c> environment variables. Without any config.ini the defaults apply, relative to the
    /// working directory. An explicit path that does not exist is an error.
    /// </summary>
    public static IConfigurationBuilder AddEmotionConfigIni(this IConfigurationBuilder builder, string? path = null)
    {
        var file = Locate(path);
        var baseDirectory = file is null ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(file)!;
        builder.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [BaseDirectoryKey] = baseDirectory,
            [FileKey] = file ?? "",
        });
        if (file is not null)
        {
            builder.AddIniFile(file, optional: false, reloadOnChange: false);
        }
        builder.AddEnvironmentVariables(EnvironmentPrefix);
        return builder;
    }

    /// <summary>The config.ini that <see cref="AddEmotionConfigIni"/> would use, or null when there is none.</summary>
    public static string? Locate(string? explicitPath = null)
    {
        var named = !string.IsNullOrWhiteSpace(explicitPath) ? explicitPath : Environment.GetEnvironmentVariable(ConfigFileVariable);
        if (!string.IsNullOrWhiteSpace(named))
        {
            var full = Path.GetFullPath(named);
            if (Directory.Exists(full))
            {
                full = Path.Combine(full, FileName);
            }
            return File.Exists(full)
                ? full
                : throw new InvalidConfigurationException($"Configuration file '{full}' does not exist.");
        }
        return WalkUp(Directory.GetCurrentDirectory()) ?? WalkUp(AppContext.BaseDirectory);
    }

    /// <summary>The folder relative paths in this configuration resolve against.</summary>
    public static string BaseDirectory(this IConfiguration configuration) =>
        configuration[BaseDirectoryKey] is { Length: > 0 } directory ? directory : Directory.GetCurrentDirectory();

    /// <summary>An absolute path: <paramref name="path"/> as is when rooted, else relative to config.ini's folder.</summary>
    public static string ResolvePath(this IConfiguration configuration, string path) =>
        Path.GetFullPath(Path.Combine(configuration.BaseDirectory(), path));

    private static string? WalkUp(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, FileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}

/// <summary>A missing or malformed setting; the message names the key and the problem.</summary>
public sealed class InvalidConfigurationException(string message) : Exception(message);
