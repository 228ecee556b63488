using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using EmotionRecognition.Domain;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EmotionRecognition.BrowserTests;

/// <summary>
/// The page at GET / in headless Chromium, against the real Api serving the repository's
/// models/. Each test opens a fresh page; one Api and one browser serve the whole fixture.
/// </summary>
[NonParallelizable]
public sealed class PageTests
{
    private ApiServer api = null!;
    private Uri baseAddress = null!;
    private HttpClient http = null!;
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
        http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        chromium = await Chromium.LaunchAsync(microphoneWav);
    }

    [OneTimeTearDown]
    public async Task StopApiAndBrowser()
    {
        if (chromium is not null)
        {
            await chromium.DisposeAsync();
        }
        http?.Dispose();
        if (api is not null)
        {
            await api.DisposeAsync();
        }
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

    [Test, CancelAfter(60_000)]
    public async Task UploadRavdessClip_ShowsEightBarsPerServedNetwork_AsTheServiceAnswers(CancellationToken ct)
    {
        var clip = RepositoryPaths.LoudSpeechClip();
        var models = await GetModelsAsync(ct);
        await GoToPageAsync(models);

        await page.SetInputFilesAsync("#file-input", clip);
        await WaitForUpdatesAsync(1);

        foreach (var model in models)
        {
            var expected = await PredictAsync(model.NetworkType, await File.ReadAllBytesAsync(clip, ct), ct);
            await AssertPanelShowsAsync(model, expected);
        }
        await Expect(page.Locator("#source")).ToContainTextAsync(Path.GetFileName(clip));
        await Expect(page.GetByRole(AriaRole.Alert)).ToBeHiddenAsync();
        await Screenshots.SaveAsync(page, "upload");
    }

    [Test, CancelAfter(60_000)]
    public async Task DropWavFileOnDropZone_AnalysesIt(CancellationToken ct)
    {
        var clip = RepositoryPaths.LoudSpeechClip();
        var bytes = await File.ReadAllBytesAsync(clip, ct);
        var models = await GetModelsAsync(ct);
        await GoToPageAsync(models);

        // What a drag from the file manager delivers: a drop event whose DataTransfer holds the file.
        var dataTransfer = await page.EvaluateHandleAsync(
            """
            ([name, base64]) => {
              const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
              const transfer = new DataTransfer();
              transfer.items.add(new File([bytes], name, { type: 'audio/wav' }));
              return transfer;
            }
            """,
            new object[] { Path.GetFileName(clip), Convert.ToBase64String(bytes) });
        await page.DispatchEventAsync("#dropzone", "drop", new Dictionary<string, object> { ["dataTransfer"] = dataTransfer });
        await WaitForUpdatesAsync(1);

        foreach (var model in models)
        {
            await AssertPanelShowsAsync(model, await PredictAsync(model.NetworkType, bytes, ct));
        }
    }

    [Test, CancelAfter(60_000)]
    public async Task LiveMode_FakeMicrophoneWithoutWebSockets_MovesLevelMeterAndFallsBackToTwoSecondWavWindows(CancellationToken ct)
    {
        // A browser or proxy without WebSockets: live mode must fall back to posting 2-s windows.
        await page.AddInitScriptAsync("window.WebSocket = class { constructor() { throw new Error('WebSockets are unavailable here.'); } };");
        var models = await GetModelsAsync(ct);
        await GoToPageAsync(models);
        var windows = new List<byte[]>();
        page.Request += (_, request) =>
        {
            if (request.Method == "POST" && request.PostDataBuffer is { } body)
            {
                lock (windows)
                {
                    windows.Add(body);
                }
            }
        };

        await page.GetByRole(AriaRole.Button, new() { Name = "Start live" }).ClickAsync();
        await Expect(page.Locator("#live-toggle")).ToHaveAttributeAsync("aria-pressed", "true");

        // The fake microphone plays the clip in a loop: the meter must rise well above silence.
        await page.WaitForFunctionAsync(
            "() => Number(document.getElementById('level-meter').getAttribute('aria-valuenow')) >= 20",
            null, new() { Timeout = 10_000, PollingInterval = 50 });

        // Every 2 s a window goes to every network; two rounds of updated bars prove the loop.
        await WaitForUpdatesAsync(2, timeoutMs: 20_000);
        // Picture it while the voice is loud, as a person watching would see it.
        await page.WaitForFunctionAsync(
            "() => Number(document.getElementById('level-meter').getAttribute('aria-valuenow')) >= 40",
            null, new() { Timeout = 10_000, PollingInterval = 20 });
        await Screenshots.SaveAsync(page, "live");

        foreach (var model in models)
        {
            var probabilities = await ProbabilitiesAsync(model.NetworkType);
            Assert.That(probabilities.Sum(), Is.EqualTo(1).Within(1e-3), model.NetworkType);
            await Expect(page.Locator($".panel[data-network='{model.NetworkType}'] .bar-row.is-top")).ToHaveCountAsync(1);
        }
        byte[][] sent;
        lock (windows)
        {
            sent = [.. windows];
        }
        Assert.That(sent, Has.Length.GreaterThanOrEqualTo(2 * models.Count));
        foreach (var wav in sent)
        {
            var (sampleRateHz, channels, bitsPerSample, samples) = ParsePcmWav(wav);
            Assert.That((channels, bitsPerSample), Is.EqualTo((1, 16)));
            Assert.That(samples.Length, Is.EqualTo(2 * sampleRateHz), "a window holds exactly the last 2 seconds");
            Assert.That(samples.Max(s => Math.Abs((int)s)), Is.GreaterThan(1000), "the window carries the microphone's speech, not silence");
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Stop live" }).ClickAsync();
        await Expect(page.Locator("#live-toggle")).ToHaveAttributeAsync("aria-pressed", "false");
        await Expect(page.Locator("#level-meter")).ToHaveAttributeAsync("aria-valuenow", "0");
    }

    [Test]
    public async Task WavEncoder_ScalesByTwoToThe15_ClipsAndWritesA44ByteHeader()
    {
        await page.GotoAsync(baseAddress.ToString());
        var base64 = await page.EvaluateAsync<string>(
            """
            async () => {
              const { encodeWav } = await import('/wav.js');
              const bytes = new Uint8Array(encodeWav(new Float32Array([-1, -0.5, 0, 0.25, 0.5, 0.999, 1, 1.5, -2]), 16000));
              return btoa(String.fromCharCode(...bytes));
            }
            """);

        var (sampleRateHz, channels, bitsPerSample, samples) = ParsePcmWav(Convert.FromBase64String(base64));
        Assert.That((sampleRateHz, channels, bitsPerSample), Is.EqualTo((16000, 1, 16)));
        // The reader decodes v / 2^15, so v = round(x * 2^15), clipped to [-32768, 32767].
        Assert.That(samples, Is.EqualTo(new short[] { -32768, -16384, 0, 8192, 16384, 32735, 32767, 32767, -32768 }));
    }

    [Test, CancelAfter(60_000)]
    public async Task UploadNonAudioFile_ShowsTheServicesProblemDetailAsAlert(CancellationToken ct)
    {
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "not-audio.wav");
        var bytes = "These bytes are a sentence, not a recording."u8.ToArray();
        await File.WriteAllBytesAsync(path, bytes, ct);
        var models = await GetModelsAsync(ct);
        var problem = await PostExpectingProblemAsync(models[0].NetworkType, bytes, HttpStatusCode.UnprocessableEntity, ct);
        await GoToPageAsync(models);

        await page.SetInputFilesAsync("#file-input", path);

        var alert = page.GetByRole(AriaRole.Alert);
        await Expect(alert).ToBeVisibleAsync();
        await Expect(alert).ToContainTextAsync("The audio could not be read");
        await Expect(alert).ToContainTextAsync(problem.Detail!);
        foreach (var model in models)
        {
            await Expect(alert).ToContainTextAsync(model.NetworkType);
            var panel = page.Locator($".panel[data-network='{model.NetworkType}']");
            await Expect(panel.Locator(".bar-row.is-top")).ToHaveCountAsync(0);
            await Expect(panel.Locator(".summary")).ToHaveTextAsync("No result: see the message above.");
        }
        await Screenshots.SaveAsync(page, "invalid-file");
    }

    [Test, CancelAfter(60_000)]
    public async Task UploadFileOverTheSizeLimit_ShowsTheServicesTooLargeMessage(CancellationToken ct)
    {
        var models = await GetModelsAsync(ct);
        // Over the Api's default audio limit (10 MiB); the service refuses it by its length alone.
        var bytes = new byte[11 * 1024 * 1024];
        var problem = await PostExpectingProblemAsync(models[0].NetworkType, bytes, HttpStatusCode.RequestEntityTooLarge, ct);
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "too-large.wav");
        await File.WriteAllBytesAsync(path, bytes, ct);
        await GoToPageAsync(models);

        await page.SetInputFilesAsync("#file-input", path);

        var alert = page.GetByRole(AriaRole.Alert);
        await Expect(alert).ToContainTextAsync("The audio is too large");
        await Expect(alert).ToContainTextAsync(problem.Detail!);
    }

    [Test, CancelAfter(60_000)]
    public async Task PageOnAPhoneWidth_FitsWithoutSidewaysScrolling(CancellationToken ct)
    {
        var models = await GetModelsAsync(ct);
        await page.SetViewportSizeAsync(375, 740);
        await GoToPageAsync(models);
        await page.SetInputFilesAsync("#file-input", RepositoryPaths.LoudSpeechClip());
        await WaitForUpdatesAsync(1);

        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.That(overflow, Is.LessThanOrEqualTo(0));
        var panelWidths = await page.Locator(".panel").EvaluateAllAsync<double[]>("panels => panels.map(p => p.getBoundingClientRect().width)");
        Assert.That(panelWidths, Is.All.LessThanOrEqualTo(375));
        await Screenshots.SaveAsync(page, "phone");
    }

    [Test, CancelAfter(60_000)]
    public async Task Page_IsOperableByKeyboardWithNamedControls(CancellationToken ct)
    {
        var models = await GetModelsAsync(ct);
        await GoToPageAsync(models);

        await page.Keyboard.PressAsync("Tab");
        Assert.That(await FocusedIdAsync(), Is.EqualTo("live-toggle"));
        await page.Keyboard.PressAsync("Tab");
        Assert.That(await FocusedIdAsync(), Is.EqualTo("file-input"));

        await Expect(page.GetByRole(AriaRole.Meter, new() { Name = "Microphone level" })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Choose an audio file or drop it here")).ToHaveIdAsync("file-input");
        foreach (var model in models)
        {
            await Expect(page.GetByRole(AriaRole.Region, new() { Name = model.NetworkType, Exact = true })).ToBeVisibleAsync();
        }

        await page.Locator("#live-toggle").FocusAsync();
        await page.Keyboard.PressAsync("Space");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Stop live", Pressed = true })).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Start live", Pressed = false })).ToBeVisibleAsync();
    }

    [TestCase(ColorScheme.Light), TestCase(ColorScheme.Dark), CancelAfter(60_000)]
    public async Task PageWithResultsAndAnError_HasNoWcagAaViolations(ColorScheme scheme, CancellationToken ct)
    {
        await page.EmulateMediaAsync(new() { ColorScheme = scheme });
        var models = await GetModelsAsync(ct);
        await GoToPageAsync(models);
        await page.SetInputFilesAsync("#file-input", RepositoryPaths.LoudSpeechClip());
        await WaitForUpdatesAsync(1);
        // Contrast is checked on settled colours, not mid-transition.
        await page.EmulateMediaAsync(new() { ReducedMotion = ReducedMotion.Reduce });

        var withResults = await page.RunAxe(WcagAa);

        var notAudio = Path.Combine(TestContext.CurrentContext.WorkDirectory, "not-audio.wav");
        await File.WriteAllBytesAsync(notAudio, "not a recording"u8.ToArray(), ct);
        await page.SetInputFilesAsync("#file-input", notAudio);
        await Expect(page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        var withError = await page.RunAxe(WcagAa);

        Assert.That(Describe(withResults.Violations), Is.Empty, "with results");
        Assert.That(Describe(withError.Violations), Is.Empty, "with an error");
    }

    [Test, CancelAfter(60_000)]
    public async Task Page_RequestsNothingButTheService(CancellationToken ct)
    {
        var requested = new List<string>();
        page.Request += (_, request) =>
        {
            lock (requested)
            {
                requested.Add(request.Url);
            }
        };
        var models = await GetModelsAsync(ct);
        await GoToPageAsync(models);
        await page.SetInputFilesAsync("#file-input", RepositoryPaths.LoudSpeechClip());
        await WaitForUpdatesAsync(1);

        string[] urls;
        lock (requested)
        {
            urls = [.. requested];
        }
        Assert.That(urls, Has.Some.EndsWith("/app.js"));
        Assert.That(urls, Is.All.StartsWith(baseAddress.GetLeftPart(UriPartial.Authority) + "/"), "no CDN, font or other host");
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>axe-core's WCAG 2.0 and 2.1 level A and AA rules (contrast, names, roles, structure).</summary>
    private static readonly AxeRunOptions WcagAa = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    };

    private static string[] Describe(AxeResultItem[] violations) =>
        [.. violations.Select(v => $"{v.Id}: {v.Help} ({v.Nodes.Length} elements, e.g. {v.Nodes.FirstOrDefault()?.Target})")];

    private async Task GoToPageAsync(IReadOnlyList<ModelInfo> models)
    {
        await page.GotoAsync(baseAddress.ToString());
        await Expect(page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("EmotionRecognition"));
        foreach (var model in models)
        {
            await Expect(page.Locator($".panel[data-network='{model.NetworkType}']")).ToBeVisibleAsync();
        }
        await Expect(page.Locator(".panel")).ToHaveCountAsync(models.Count);
    }

    /// <summary>Waits until every panel has drawn at least <paramref name="count"/> answers.</summary>
    private Task WaitForUpdatesAsync(int count, float timeoutMs = Chromium.ActionTimeoutMs) =>
        page.WaitForFunctionAsync(
            "n => { const p = [...document.querySelectorAll('.panel')]; return p.length > 0 && p.every(x => Number(x.dataset.updates ?? 0) >= n); }",
            count, new() { Timeout = timeoutMs, PollingInterval = 100 });

    private async Task AssertPanelShowsAsync(ModelInfo model, IReadOnlyList<EmotionResult> expected)
    {
        var panel = page.Locator($".panel[data-network='{model.NetworkType}']");
        var rows = panel.Locator(".bar-row");
        await Expect(rows).ToHaveCountAsync(Emotions.Count);
        var labels = await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.emotion)");
        Assert.That(labels, Is.EqualTo(Emotions.AllLabels), model.NetworkType);

        var shown = await ProbabilitiesAsync(model.NetworkType);
        Assert.That(expected.Select(r => r.EmotionType), Is.EqualTo(Emotions.AllLabels));
        Assert.That(shown, Is.EqualTo(expected.Select(r => (double)r.Prediction)).Within(1e-5), $"{model.NetworkType} shows what the service answers");
        Assert.That(shown.Sum(), Is.EqualTo(1).Within(1e-3));

        var top = expected.MaxBy(r => r.Prediction)!.EmotionType;
        await Expect(panel.Locator(".bar-row.is-top")).ToHaveCountAsync(1);
        await Expect(panel.Locator(".bar-row.is-top")).ToHaveAttributeAsync("data-emotion", top);
        await Expect(panel.Locator(".summary")).ToContainTextAsync($"Most likely: {top}");

        var accuracy = model.Metrics is null
            ? "Accuracy on unseen speakers: not measured"
            : $"Accuracy on unseen speakers: {Math.Round(model.Metrics.Accuracy * 100, MidpointRounding.AwayFromZero)}%";
        await Expect(panel.Locator(".accuracy")).ToContainTextAsync(accuracy);
        if (model.Metrics is not null)
        {
            await Expect(panel.Locator(".protocol")).ToContainTextAsync(model.Metrics.Protocol);
        }
        var start = model.FeatureProfile.OffsetSeconds;
        var listening = model.FeatureProfile.DurationSeconds is { } duration
            ? FormattableString.Invariant($"Hears {start}–{start + duration} s of each clip")
            : start == 0 ? "Hears the whole clip" : FormattableString.Invariant($"Hears each clip from {start} s");
        await Expect(panel.Locator(".profile")).ToContainTextAsync(listening);
    }

    private Task<double[]> ProbabilitiesAsync(string network) =>
        page.Locator($".panel[data-network='{network}'] .bar-row")
            .EvaluateAllAsync<double[]>("rows => rows.map(r => Number(r.dataset.probability))");

    private Task<string> FocusedIdAsync() => page.EvaluateAsync<string>("() => document.activeElement?.id ?? ''");

    private async Task<IReadOnlyList<ModelInfo>> GetModelsAsync(CancellationToken ct)
    {
        using var response = await http.GetAsync("models", ct);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK),
            $"these tests need the repository's trained models/ served; GET /models answered {await response.Content.ReadAsStringAsync(ct)}");
        var list = await response.Content.ReadFromJsonAsync<ModelList>(ct);
        Assert.That(list?.Models, Is.Not.Null.And.Not.Empty, "GET /models lists the served networks");
        return list!.Models;
    }

    private async Task<IReadOnlyList<EmotionResult>> PredictAsync(string network, byte[] wav, CancellationToken ct)
    {
        using var response = await PostWavAsync(network, wav, ct);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync(ct));
        var prediction = await response.Content.ReadFromJsonAsync<Prediction>(ct);
        return prediction!.Results;
    }

    private async Task<Problem> PostExpectingProblemAsync(string network, byte[] body, HttpStatusCode status, CancellationToken ct)
    {
        using var response = await PostWavAsync(network, body, ct);
        Assert.That(response.StatusCode, Is.EqualTo(status));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = await response.Content.ReadFromJsonAsync<Problem>(ct);
        Assert.That(problem?.Detail, Is.Not.Null.And.Not.Empty);
        return problem!;
    }

    private Task<HttpResponseMessage> PostWavAsync(string network, byte[] body, CancellationToken ct)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        return http.PostAsync($"prediction/{network}", content, ct);
    }

    /// <summary>Reads the canonical 44-byte PCM header the page writes, and the 16-bit samples after it.</summary>
    private static (int SampleRateHz, int Channels, int BitsPerSample, short[] Samples) ParsePcmWav(byte[] wav)
    {
        Assert.That(System.Text.Encoding.ASCII.GetString(wav, 0, 4), Is.EqualTo("RIFF"));
        Assert.That(System.Text.Encoding.ASCII.GetString(wav, 8, 8), Is.EqualTo("WAVEfmt "));
        Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(wav.AsSpan(20)), Is.EqualTo(1), "format 1: integer PCM");
        Assert.That(System.Text.Encoding.ASCII.GetString(wav, 36, 4), Is.EqualTo("data"));
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(wav.AsSpan(22));
        int sampleRateHz = BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(24));
        int bitsPerSample = BinaryPrimitives.ReadUInt16LittleEndian(wav.AsSpan(34));
        int dataBytes = BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(40));
        Assert.That(dataBytes, Is.EqualTo(wav.Length - 44));
        var samples = new short[dataBytes / 2];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(44 + 2 * i));
        }
        return (sampleRateHz, channels, bitsPerSample, samples);
    }

    private sealed record ModelList(string ModelSetId, IReadOnlyList<ModelInfo> Models);

    private sealed record ModelInfo(
        string NetworkType,
        IReadOnlyList<string> Inputs,
        FeatureProfileInfo FeatureProfile,
        IReadOnlyList<string> Labels,
        ModelMetricsInfo? Metrics);

    private sealed record FeatureProfileInfo(double OffsetSeconds, double? DurationSeconds);

    private sealed record ModelMetricsInfo(double Accuracy, double MacroF1, string Protocol, int Folds);

    private sealed record Prediction(IReadOnlyList<EmotionResult> Results);

    private sealed record EmotionResult(string EmotionType, float Prediction);

    private sealed record Problem(string? Type, string? Title, int? Status, string? Detail);
}
