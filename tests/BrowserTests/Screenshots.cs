using Microsoft.Playwright;

namespace EmotionRecognition.BrowserTests;

/// <summary>Saves a full-page screenshot as a test attachment and copies it to TestResults/screenshots for people to look at.</summary>
internal static class Screenshots
{
    public static async Task SaveAsync(IPage page, string name)
    {
        var folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".png");
        await page.ScreenshotAsync(new()
        {
            Path = path,
            FullPage = true,
            // Bars glide to new values; fast-forward so the picture shows the values the page settles on.
            Animations = ScreenshotAnimations.Disabled,
            Timeout = Chromium.ActionTimeoutMs,
        });
        TestContext.AddTestAttachment(path, name);

        Directory.CreateDirectory(RepositoryPaths.ScreenshotFolder);
        File.Copy(path, Path.Combine(RepositoryPaths.ScreenshotFolder, name + ".png"), overwrite: true);
    }
}
