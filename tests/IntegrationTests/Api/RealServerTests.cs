using System.Net;
using System.Text;

namespace EmotionRecognition.IntegrationTests.Api;

/// <summary>The Api on real Kestrel at 127.0.0.1 (a free port), called over TCP like any client.</summary>
[TestFixture]
public sealed class RealServerTests
{
    private ApiFactory _factory = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public void StartServer()
    {
        _factory = ApiFactory.WithModels(new FakeModelSet());
        _client = new HttpClient { BaseAddress = _factory.StartOnLoopback() };
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    [Test]
    public void Server_ListensOnLoopbackOverTcp()
    {
        Assert.That(_client.BaseAddress!.Host, Is.EqualTo("127.0.0.1"));
        Assert.That(_client.BaseAddress.Port, Is.GreaterThan(0));
    }

    [Test]
    public async Task Predict_OverHttp_AnswersTheContract()
    {
        var response = await _client.PostAsync("/prediction/DNN", ApiContractTests.Json(ApiContractTests.Mfccs()));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.StartWith("""{"results":[{"emotionType":"angry","prediction":0.5},"""));
    }

    [Test]
    public async Task Configuration_OverHttp_Answers25()
    {
        Assert.That(await _client.GetStringAsync("/init/configuration"), Is.EqualTo("""{"numberOfMfccs":25}"""));
    }

    [Test]
    public async Task Predict_ChunkedBodyOverTheLimit_413FromKestrelItself()
    {
        // No Content-Length: the limit is enforced while reading, by Kestrel's per-request maximum.
        var body = Encoding.UTF8.GetBytes("{\"mfccs\":[" + string.Join(",", Enumerable.Repeat("1.000000", 20000)) + "]}");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/prediction/DNN") { Content = new StreamContent(new UnseekableStream(body)) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = true;

        var response = await _client.SendAsync(request);

        await ApiErrorTests.AssertProblem(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Test]
    public async Task ConcurrentPredictions_OverHttp_EachGetsAnAnswer()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 64).Select(i =>
            _client.PostAsync(i % 2 == 0 ? "/prediction/DNN" : "/prediction/cnn", ApiContractTests.Json(ApiContractTests.Mfccs()))));

        Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
        Assert.That(bodies.Where((_, i) => i % 2 == 0), Is.All.StartWith("""{"results":[{"emotionType":"angry","prediction":0.5}"""));
        Assert.That(bodies.Where((_, i) => i % 2 == 1), Is.All.StartWith("""{"results":[{"emotionType":"angry","prediction":0.0078125}"""));
    }

    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
