using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EmotionRecognition.BrowserTests;

/// <summary>
/// The page served by an Api whose models folder is empty: the service stays up, and the page
/// passes on the service's own reason instead of failing silently.
/// </summary>
[NonParallelizable]
public sealed class ModelsMissingTests
{
    [Test, CancelAfter(60_000)]
    public async Task NoModels_PageShowsTheServicesReasonInStatusAndOnUpload(CancellationToken ct)
    {
        SetDefaultExpectTimeout(Chromium.ActionTimeoutMs);
        var clip = RepositoryPaths.LoudSpeechClip();
        var emptyModels = Directory.CreateTempSubdirectory("emotion-no-models-");
        try
        {
            await using var api = new ApiServer(new Dictionary<string, string> { ["EMOTION_MODELS__PATH"] = emptyModels.FullName });
            var baseAddress = api.Start();
            using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
            var reason = await PredictionProblemDetailAsync(http, clip, ct);
            Assert.That(reason, Does.Contain(emptyModels.FullName), "the Api under test serves the empty folder");

            await using var chromium = await Chromium.LaunchAsync(clip);
            var page = await chromium.Context.NewPageAsync();
            await page.GotoAsync(baseAddress.ToString());

            var status = page.Locator("#service-status");
            await Expect(status).ToHaveAttributeAsync("data-state", "unavailable");
            await Expect(status).ToContainTextAsync(reason);
            // Without /models the page offers the original contract's two networks, so an attempt can say why it fails.
            await Expect(page.Locator(".panel")).ToHaveCountAsync(2);

            await page.SetInputFilesAsync("#file-input", clip);
            var alert = page.GetByRole(AriaRole.Alert);
            await Expect(alert).ToBeVisibleAsync();
            await Expect(alert).ToContainTextAsync("The models are not ready");
            await Expect(alert).ToContainTextAsync(reason);
            await Expect(page.Locator(".bar-row.is-top")).ToHaveCountAsync(0);
            await Screenshots.SaveAsync(page, "models-missing");
        }
        finally
        {
            emptyModels.Delete(recursive: true);
        }
    }

    private static async Task<string> PredictionProblemDetailAsync(HttpClient http, string wavPath, CancellationToken ct)
    {
        var content = new ByteArrayContent(await File.ReadAllBytesAsync(wavPath, ct));
        content.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        using var response = await http.PostAsync("prediction/CNN", content, ct);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = await response.Content.ReadFromJsonAsync<Problem>(ct);
        Assert.That(problem?.Detail, Is.Not.Null.And.Not.Empty);
        return problem!.Detail!;
    }

    private sealed record Problem(string? Title, int? Status, string? Detail);
}
