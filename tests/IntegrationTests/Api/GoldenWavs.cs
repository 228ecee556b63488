namespace EmotionRecognition.IntegrationTests.Api;

/// <summary>The test WAVs in ../shared/golden/wav, found by walking up to EmotionRecognition.sln.</summary>
internal static class GoldenWavs
{
    public static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(Folder, name));

    public static string Folder
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
            var folder = Path.GetFullPath(Path.Combine(root!.FullName, "..", "shared", "golden", "wav"));
            if (!Directory.Exists(folder))
            {
                Assert.Fail($"The shared test data is missing: expected golden WAVs in {folder} (next to the repository).");
            }
            return folder;
        }
    }
}
