using System.Text;
using System.Text.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using EmotionRecognition.Application.Audio;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EmotionRecognition.BrowserTests;

/// <summary>The page's timeline chart in headless Chromium against the real Api: a long recording, and live mode over the WebSocket.</summary>
[NonParallelizable]
public sealed class TimelinePageTests
{
    private ApiServer api = null!;
    private Uri baseAddress = null!;
    private Chromium chromium = null!;
    private IPage page = null!;
    private readonly List<string> pageErrors = [];

    [OneTimeSetUp]
    public async Task StartApiAndBrowser()
    {
        SetDefaultExpectTimeout(Chromium.ActionTimeoutMs);
        var microphoneWav = RepositoryPaths.LoudSpeechClip();
        api = new ApiServer();
        baseAddress = api.Start();
        chromium = await Chromium.LaunchAsync(microphoneWav);
    }

    [OneTimeTearDown]
    public async Task StopApiAndBrowser()
    {
        if (chromium is not null)
            await chromium.DisposeAsync();
        if (api is not null)
            await api.DisposeAsync();
    }

    [SetUp]
    public async Task OpenPage()
    {
        pageErrors.Clear();
        page = await chromium.Context.NewPageAsync();
        page.PageError += (_, error) => pageErrors.Add(error);
    }

    [TearDown]
    public async Task ClosePage()
    {
        await page.CloseAsync();
        Assert.That(pageErrors, Is.Empty, "uncaught JavaScript errors on the page");
    }

    /// <summary>Actor 3's first sentence in all eight emotions, 1.5 s apart: about 35 s.</summary>
    private static string LongRecording()
    {
        var samples = new List<float>();
        var rate = 0;
        foreach (var emotion in Enumerable.Range(1, 8))
        {
            var clip = WavReader.ReadFile(RepositoryPaths.SharedFile("ravdess", "Actor_03", $"03-01-{emotion:00}-01-01-01-03.wav"));
            rate = clip.SampleRateHz;
            samples.AddRange(clip.Samples);
            samples.AddRange(new float[rate * 3 / 2]);
        }
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "long-recording.wav");
        File.WriteAllBytes(path, Wav(samples, rate));
        return path;
    }

    private static byte[] Wav(List<float> samples, int rate)
    {
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream);
        w.Write(Encoding.ASCII.GetBytes("RIFF"));
        w.Write(36 + samples.Count * 2);
        w.Write(Encoding.ASCII.GetBytes("WAVEfmt "));
        w.Write(16); w.Write((short)1); w.Write((short)1); w.Write(rate); w.Write(rate * 2); w.Write((short)2); w.Write((short)16);
        w.Write(Encoding.ASCII.GetBytes("data"));
        w.Write(samples.Count * 2);
        foreach (var x in samples)
            w.Write((short)Math.Round(Math.Clamp(x, -1f, 1f) * 32767));
        w.Flush();
        return stream.ToArray();
    }

    private async Task GoToPageAsync()
    {
        await page.GotoAsync(baseAddress.ToString());
        await Expect(page.Locator(".panel[data-network='CRNN']")).ToBeVisibleAsync();
    }

    [Test, CancelAfter(120_000)]
    public async Task UploadLongRecording_ChartsEachSegmentOfTheTimelineRoute_ReadableByKeyboardAndHover(CancellationToken ct)
    {
        var file = LongRecording();
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(file, ct));
        content.Headers.ContentType = new("audio/wav");
        using var response = await http.PostAsync("prediction/CRNN/timeline", content, ct);
        var expected = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("segments").EnumerateArray().ToArray();
        await GoToPageAsync();

        await page.SetInputFilesAsync("#file-input", file);

        var segments = page.Locator("#timeline .timeline-segment");
        await Expect(page.Locator("#timeline")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(segments).ToHaveCountAsync(expected.Length);
        Assert.That(expected, Has.Length.GreaterThanOrEqualTo(8), "one segment per sentence at least");
        var starts = await segments.EvaluateAllAsync<double[]>("g => g.map(x => Number(x.dataset.start))");
        Assert.That(starts, Is.EqualTo(expected.Select(s => s.GetProperty("start").GetDouble())));
        await Expect(segments.First.Locator(".timeline-band")).ToHaveCountAsync(8);

        // Keyboard: one tab stop, arrows move, the readout says the numbers.
        await segments.First.FocusAsync();
        await page.Keyboard.PressAsync("ArrowRight");
        await Expect(segments.Nth(1)).ToBeFocusedAsync();
        await Expect(page.Locator("#timeline-readout")).ToContainTextAsync("Segment 2");
        await page.Keyboard.PressAsync("End");
        await Expect(page.Locator("#timeline-readout")).ToContainTextAsync($"Segment {expected.Length},");
        Assert.That(await segments.EvaluateAllAsync<int>("g => g.filter(x => x.getAttribute('tabindex') === '0').length"), Is.EqualTo(1));
        // Hover reads a segment too.
        await segments.Nth(2).HoverAsync();
        await Expect(page.Locator("#timeline-readout")).ToContainTextAsync("Segment 3");
        Assert.That(await segments.Nth(2).GetAttributeAsync("aria-label"), Does.Match(@"^Segment 3, \d+\.\d s to \d+\.\d s: \w+ \d+%"));

        await page.EmulateMediaAsync(new() { ReducedMotion = ReducedMotion.Reduce });
        var axe = await page.RunAxe(new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
        Assert.That(axe.Violations.Select(v => $"{v.Id}: {v.Help} ({v.Nodes.FirstOrDefault()?.Target})"), Is.Empty);
        await page.Locator("#timeline").ScrollIntoViewIfNeededAsync();
        await Screenshots.SaveAsync(page, "timeline");
    }

    [Test, CancelAfter(90_000)]
    public async Task LiveMode_FakeMicrophone_StreamsOverTheWebSocketAndChartsSegmentsAsTheyEnd(CancellationToken ct)
    {
        var posts = 0;
        page.Request += (_, request) =>
        {
            if (request.Method == "POST")
                Interlocked.Increment(ref posts);
        };
        var sockets = new List<string>();
        page.WebSocket += (_, socket) =>
        {
            lock (sockets)
                sockets.Add(socket.Url);
        };
        await GoToPageAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Start live" }).ClickAsync();
        await Expect(page.Locator("#live-status")).ToContainTextAsync("streaming");

        // The fake microphone loops a 3.7-s sentence with its pauses: segments end every loop.
        await Expect(page.Locator("#timeline")).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#timeline .timeline-segment:not(.is-partial)').length >= 2",
            null, new() { Timeout = 45_000, PollingInterval = 200 });
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.panel')].every(p => Number(p.dataset.updates ?? 0) >= 1)",
            null, new() { Timeout = 15_000, PollingInterval = 100 });
        await Screenshots.SaveAsync(page, "timeline-live");

        await page.GetByRole(AriaRole.Button, new() { Name = "Stop live" }).ClickAsync();
        await Expect(page.Locator("#live-toggle")).ToHaveAttributeAsync("aria-pressed", "false");
        string[] opened;
        lock (sockets)
            opened = [.. sockets];
        Assert.That(opened, Has.Some.Contains("/stream/CRNN?sampleRate="));
        Assert.That(posts, Is.Zero, "streaming replaces the 2-s polling");
    }
}
