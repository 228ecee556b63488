namespace EmotionRecognition.BrowserTests;

/// <summary>Finds the repository (the folder holding EmotionRecognition.sln) and the shared test data beside it.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>&lt;root&gt;/../shared: RAVDESS clips and golden WAVs (CI always has it).</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    /// <summary>Where screenshots are copied for people to look at: &lt;root&gt;/TestResults/screenshots.</summary>
    public static string ScreenshotFolder => Path.Combine(Root, "TestResults", "screenshots");

    /// <summary>
    /// Actor 01, angry, strong intensity (03-01-05-02-01-01-01.wav): loud speech, so the level meter
    /// has something to show when it plays as the fake microphone.
    /// </summary>
    public static string LoudSpeechClip() => SharedFile("ravdess", "Actor_01", "03-01-05-02-01-01-01.wav");

    /// <summary>A file under ../shared, or a failure that says what is missing.</summary>
    public static string SharedFile(params string[] parts)
    {
        var path = Path.Combine([Shared, .. parts]);
        if (!File.Exists(path))
        {
            Assert.Fail($"Test data {path} is missing: these tests need the shared folder (RAVDESS clips) beside the repository at {Shared}.");
        }
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EmotionRecognition.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No EmotionRecognition.sln above {AppContext.BaseDirectory}.");
    }
}
