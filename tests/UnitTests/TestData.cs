namespace EmotionRecognition.UnitTests;

/// <summary>
/// Locates the repository root (the folder holding EmotionRecognition.sln) and the shared
/// test data beside it (&lt;root&gt;/../shared). Tests that need the shared data fail with a
/// message that says where it was expected; CI always has it.
/// </summary>
internal static class TestData
{
    private static readonly Lazy<string> Root = new(FindRepoRoot);

    public static string RepoRoot => Root.Value;

    public static string SharedDirectory => RequireDirectory(Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared")));

    public static string GoldenDirectory => RequireDirectory(Path.Combine(SharedDirectory, "golden"));

    public static string GoldenWavDirectory => RequireDirectory(Path.Combine(GoldenDirectory, "wav"));

    public static string GoldenJsonDirectory => RequireDirectory(Path.Combine(GoldenDirectory, "librosa"));

    public static string RavdessDirectory => RequireDirectory(Path.Combine(SharedDirectory, "ravdess"));

    /// <summary>The golden WAV file names (without folder), sorted; used as NUnit test cases.</summary>
    public static IEnumerable<string> GoldenWavNames()
    {
        var folder = Path.GetFullPath(Path.Combine(FindRepoRoot(), "..", "shared", "golden", "wav"));
        if (!Directory.Exists(folder))
        {
            // One case that fails loudly instead of a silently empty test list.
            yield return "<missing: " + folder + ">";
            yield break;
        }

        foreach (var path in Directory.GetFiles(folder, "*.wav").Order(StringComparer.Ordinal))
            yield return Path.GetFileName(path);
    }

    public static string GoldenWav(string name) => RequireFile(Path.Combine(GoldenWavDirectory, name));

    public static string GoldenJson(string wavName) =>
        RequireFile(Path.Combine(GoldenJsonDirectory, Path.ChangeExtension(wavName, ".json")));

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EmotionRecognition.sln")))
                return dir.FullName;
        }

        throw new InvalidOperationException(
            $"Could not find EmotionRecognition.sln above {AppContext.BaseDirectory}; tests must run inside the repository.");
    }

    private static string RequireDirectory(string path) =>
        Directory.Exists(path)
            ? path
            : throw new DirectoryNotFoundException(
                $"Shared test data is missing: expected the folder {path} (the repository's sibling ../shared).");

    private static string RequireFile(string path) =>
        File.Exists(path)
            ? path
            : throw new FileNotFoundException($"Shared test data is missing: expected the file {path}.", path);
}
