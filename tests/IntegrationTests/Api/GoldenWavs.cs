namespace EmotionRecognition.IntegrationTests.Api;

/// <summary>
/// The repository root (found by walking up to EmotionRecognition.sln) and the test WAVs in
/// ../shared/golden/wav next to it; missing data fails the test with where it was expected.
/// </summary>
internal static class GoldenWavs
{
    public static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(Folder, name));

    public static string RepoRoot
    {
        get
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "EmotionRecognition.sln")))
            {
                root = root.Parent;
            }
            if (root is null)
            {
                Assert.Fail($"No EmotionRecognition.sln above {AppContext.BaseDirectory}.");
            }
            return root!.FullName;
        }
    }

    public static string Folder
    {
        get
        {
            var folder = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "golden", "wav"));
            if (!Directory.Exists(folder))
            {
                Assert.Fail($"The shared test data is missing: expected golden WAVs in {folder} (next to the repository).");
            }
            return folder;
        }
    }
}
