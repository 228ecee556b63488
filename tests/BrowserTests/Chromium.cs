using Microsoft.Playwright;

namespace EmotionRecognition.BrowserTests;

/// <summary>
/// Debian's Chromium (apt-get install chromium), headless, driven by Playwright. Playwright's
/// own browser download cannot work here, so the executable is the system one. Each session
/// gets a fresh profile folder, deleted on dispose, and a fake microphone that plays a WAV file.
/// </summary>
internal sealed class Chromium(IPlaywright playwright, IBrowserContext context, string profileFolder) : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>Upper bound for every Playwright action and wait, so no test can hang.</summary>
    public const float ActionTimeoutMs = 15_000;

    public IBrowserContext Context { get; } = context;

    /// <param name="fakeMicrophoneWav">Played in a loop as the microphone (16-bit PCM WAV).</param>
    public static async Task<Chromium> LaunchAsync(string fakeMicrophoneWav)
    {
        if (!File.Exists(ExecutablePath))
        {
            Assert.Fail($"{ExecutablePath} is missing: install Debian's Chromium (apt-get install -y chromium); .ci/run does.");
        }
        var folder = Directory.CreateTempSubdirectory("emotion-browser-profile-").FullName;
        var driver = await Playwright.CreateAsync();
        try
        {
            var browser = await driver.Chromium.LaunchPersistentContextAsync(folder, new()
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Timeout = 30_000,
                Args =
                [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run",
                    // Containers often give /dev/shm only 64 MiB; Chromium then crashes on large pages.
                    "--disable-dev-shm-usage",
                    // Grant the microphone without a prompt and feed it from a file.
                    "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                    // Loops the file; Debian's Chromium 156 takes RAVDESS's 22.05 kHz 16-bit mono WAVs as they are.
                    $"--use-file-for-fake-audio-capture={fakeMicrophoneWav}",
                ],
                ViewportSize = new() { Width = 1200, Height = 900 },
            });
            browser.SetDefaultTimeout(ActionTimeoutMs);
            browser.SetDefaultNavigationTimeout(ActionTimeoutMs);
            return new Chromium(driver, browser, folder);
        }
        catch
        {
            driver.Dispose();
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync();
        playwright.Dispose();
        try
        {
            Directory.Delete(profileFolder, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be releasing its profile; a leftover temp folder is harmless.
        }
    }
}
