using System.Net;
using System.Text;
using System.Text.Json;
using EmotionRecognition.IntegrationTests.Api;

namespace EmotionRecognition.IntegrationTests.Robustness;

/// <summary>
/// Hostile inputs that only a real server meets: clients that send slowly, stop sending, or never stop.
/// The Api runs on Kestrel at 127.0.0.1 (a free port) with short timeouts (2 s) so the suite stays fast;
/// each case must end with its status within a bound, and the server must keep answering afterwards.
/// </summary>
[TestFixture]
public sealed class SlowClientTests
{
    /// <summary>The cases here, counted towards the hostile-input table's 50.</summary>
    public const int CaseCount = 6;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private ApiFactory _factory = null!;
    private Uri _server = null!;

    [OneTimeSetUp]
    public void StartServer()
    {
        _factory = ApiFactory.WithModels(new FakeModelSet(),
            ("Limits:RequestTimeoutSeconds", "2"),
            ("Limits:RequestHeadersTimeoutSeconds", "2"));
        _server = _factory.StartOnLoopback();
    }

    [OneTimeTearDown]
    public void StopServer() => _factory.Dispose();

    private static string Head(string extraHeaders) =>
        $"POST /prediction/DNN HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n{extraHeaders}\r\n";

    [TearDown]
    public async Task ServerStillAnswers()
    {
        using var client = new HttpClient { BaseAddress = _server, Timeout = TimeSpan.FromSeconds(10) };
        var response = await client.PostAsync("/prediction/DNN",
            new StringContent("{\"mfccs\":[" + string.Join(",", Enumerable.Repeat("1", 25)) + "]}", Encoding.UTF8, "application/json"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the server must keep serving after a hostile client");
    }

    private static void AssertProblem(RawResponse response, int status, string type)
    {
        Assert.That(response.Status, Is.EqualTo(status), response.Headers + "\n" + response.Body);
        var problem = JsonDocument.Parse(response.Body).RootElement;
        Assert.That(problem.GetProperty("type").GetString(), Is.EqualTo(type));
        Assert.That(response.Elapsed, Is.LessThan(Deadline));
    }

    [Test]
    public async Task ChunkedBodyThatNeverEnds_408WhenTheRequestTimesOut()
    {
        // A chunk every 100 ms: fast enough for the minimum data rate, so only the request timeout ends it.
        var response = await RawHttp.ExchangeAsync(_server, Head("Transfer-Encoding: chunked\r\n"),
            RawHttp.Trickle("1\r\n \r\n"u8.ToArray(), TimeSpan.FromMilliseconds(100)), Deadline);

        AssertProblem(response, 408, ProblemTypes.RequestTimeout);
    }

    [Test]
    public async Task SlowClient_OneByteEvery200ms_408WhenTheRequestTimesOut()
    {
        var response = await RawHttp.ExchangeAsync(_server, Head("Content-Length: 1000\r\n"),
            RawHttp.Trickle(" "u8.ToArray(), TimeSpan.FromMilliseconds(200)), Deadline);

        AssertProblem(response, 408, ProblemTypes.RequestTimeout);
    }

    [Test]
    public async Task BodyStallsAfterTenBytes_408WhenTheRequestTimesOut()
    {
        var response = await RawHttp.ExchangeAsync(_server, Head("Content-Length: 1000\r\n"),
            RawHttp.Send("{\"mfccs\":["u8.ToArray()), Deadline);

        AssertProblem(response, 408, ProblemTypes.RequestTimeout);
    }

    [Test]
    public async Task ContentLengthClaims100MB_413BeforeAnyBodyIsSent()
    {
        var response = await RawHttp.ExchangeAsync(_server, Head("Content-Length: 100000000\r\n"),
            (_, _) => Task.CompletedTask, Deadline);

        AssertProblem(response, 413, ProblemTypes.ContentTooLarge);
    }

    [Test]
    public async Task ChunkedBodyThatNeverStopsGrowing_413AtTheLimit()
    {
        var chunk = Encoding.ASCII.GetBytes($"4000\r\n{new string(' ', 0x4000)}\r\n");
        var response = await RawHttp.ExchangeAsync(_server, Head("Transfer-Encoding: chunked\r\n"),
            RawHttp.Trickle(chunk, TimeSpan.FromMilliseconds(1)), Deadline);

        AssertProblem(response, 413, ProblemTypes.ContentTooLarge);
    }

    [Test]
    public async Task HeadersThatNeverEnd_ConnectionClosedAfterTheHeaderTimeout()
    {
        // Slow-loris: a header line every 300 ms, never the blank line. Kestrel answers 408 and closes
        // the connection itself (the app never sees the request, so there is no problem body).
        var response = await RawHttp.ExchangeAsync(_server, "POST /prediction/DNN HTTP/1.1\r\nHost: 127.0.0.1\r\n",
            RawHttp.Trickle("X-Slow: 1\r\n"u8.ToArray(), TimeSpan.FromMilliseconds(300)), Deadline);

        Assert.That(response.Elapsed, Is.LessThan(Deadline), "the server must hang up on a slow-loris client");
        Assert.That(response.Status, Is.EqualTo(408).Or.EqualTo(0), response.Headers);
    }
}
