using System.Net;
using System.Text;
using System.Text.Json;
using EmotionRecognition.IntegrationTests.Api;

namespace EmotionRecognition.IntegrationTests.Robustness;

/// <summary>
/// The traffic limits of configuration section <c>Limits</c>: the per-client rate limit (off by default,
/// 429 with Retry-After when on), the concurrency limit (503 when every slot and the queue are taken),
/// probes exempt from both, and the audio duration limit (<c>Prediction:MaxAudioSeconds</c>).
/// </summary>
[TestFixture]
public sealed class LimitsTests
{
    private static StringContent Mfccs() =>
        new("{\"mfccs\":[" + string.Join(",", Enumerable.Repeat("1", 25)) + "]}", Encoding.UTF8, "application/json");

    private static async Task<JsonElement> AssertProblem(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), text);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.That(problem.GetProperty("type").GetString(), Is.EqualTo(type));
        Assert.That(problem.GetProperty("detail").GetString(), Is.Not.Empty);
        return problem;
    }

    [Test]
    public async Task RateLimit_OffByDefault_ManyRequestsFromOneClientAllSucceed()
    {
        using var factory = ApiFactory.WithModels(new FakeModelSet());
        using var client = factory.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 200; i++)
        {
            statuses.Add((await client.PostAsync("/prediction/DNN", Mfccs())).StatusCode);
        }

        Assert.That(statuses, Is.All.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task RateLimit_WhenConfigured_429WithRetryAfterOnceTheWindowIsUsed_ProbesExempt()
    {
        using var factory = ApiFactory.WithModels(new FakeModelSet(),
            ("Limits:RateLimit:PermitsPerWindow", "3"), ("Limits:RateLimit:WindowSeconds", "60"));
        using var client = factory.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            Assert.That((await client.PostAsync("/prediction/DNN", Mfccs())).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        var refused = await client.PostAsync("/prediction/DNN", Mfccs());

        await AssertProblem(refused, HttpStatusCode.TooManyRequests, ProblemTypes.TooManyRequests);
        Assert.That(refused.Headers.RetryAfter?.Delta?.TotalSeconds, Is.InRange(1, 60));
        Assert.That((await client.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task ConcurrencyLimit_AllSlotsAndQueueTaken_503WithRetryAfter_ProbesStillAnswer()
    {
        using var factory = ApiFactory.WithModels(new FakeModelSet(),
            ("Limits:MaxConcurrentRequests", "1"), ("Limits:RequestQueueLimit", "0"), ("Limits:RequestTimeoutSeconds", "10"));
        var server = factory.StartOnLoopback();
        using var client = new HttpClient { BaseAddress = server };

        // A slow upload holds the only slot: the limiter admits a request before its body is read.
        var slow = RawHttp.ExchangeAsync(server,
            "POST /prediction/DNN HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n",
            RawHttp.Trickle(" "u8.ToArray(), TimeSpan.FromMilliseconds(100)), TimeSpan.FromSeconds(30));
        await Task.Delay(500);

        var refused = await client.PostAsync("/prediction/DNN", Mfccs());
        var live = await client.GetAsync("/health/live");

        await AssertProblem(refused, HttpStatusCode.ServiceUnavailable, ProblemTypes.ServiceUnavailable);
        Assert.That(refused.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await slow).Status, Is.EqualTo(408), "the slow upload ends at the request timeout");
        Assert.That((await client.PostAsync("/prediction/DNN", Mfccs())).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the slot is free again");
    }

    [Test]
    public async Task AudioDuration_ConfiguredLimit_422NamingTheLimitDecodingStopsAt()
    {
        using var factory = ApiFactory.WithModels(new FakeModelSet(), ("Prediction:MaxAudioSeconds", "2"));
        using var client = factory.CreateClient();

        var shortClip = await client.PostAsync("/prediction/DNN", Bodies.Wav(Bodies.WavFile(16000, 16, 1, Bodies.Tone(16000, 1.9))));
        var longClip = await client.PostAsync("/prediction/DNN", Bodies.Wav(Bodies.WavFile(16000, 16, 1, Bodies.Tone(16000, 2.1))));

        Assert.That(shortClip.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var problem = await AssertProblem(longClip, HttpStatusCode.UnprocessableEntity, ProblemTypes.UnprocessableContent);
        Assert.That(problem.GetProperty("detail").GetString(), Does.StartWith("The audio lasts longer than the limit of 2 s").And.Contain("decoding stopped there"));
    }
}
