using System.Net;
using System.Text;
using System.Text.Json;

namespace EmotionRecognition.IntegrationTests.Api;

/// <summary>Every kind of bad input gets its 4xx as RFC 9457 problem details that name what to fix; never a 500.</summary>
[TestFixture]
public sealed class ApiErrorTests : InMemoryApiTests
{

    private static StringContent Json(string body) => ApiContractTests.Json(body);

    /// <summary>Asserts the status and the problem-details shape; returns the document for further checks.</summary>
    internal static async Task<JsonElement> AssertProblem(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), text);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo((int)status));
        Assert.That(problem.GetProperty("type").GetString(), Does.StartWith("https://"));
        Assert.That(problem.GetProperty("title").GetString(), Is.Not.Empty);
        Assert.That(problem.GetProperty("detail").GetString(), Is.Not.Empty);
        return problem;
    }

    /// <summary>A 400 whose <c>errors</c> map names <paramref name="field"/>; returns that field's first message.</summary>
    private static async Task<string> AssertInvalidField(HttpResponseMessage response, string field)
    {
        var problem = await AssertProblem(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.That(errors.TryGetProperty(field, out var messages), Is.True, $"errors should name '{field}': {errors}");
        return messages[0].GetString()!;
    }

    [TestCase("rnn")]
    [TestCase("CNNX")]
    [TestCase("lstm")]
    public async Task Predict_UnknownNetwork_400NamingTheValidNetworks(string network)
    {
        var message = await AssertInvalidField(await Client.PostAsync($"/prediction/{network}", Json(ApiContractTests.Mfccs())), "networkType");

        Assert.That(message, Does.Contain("CNN, DNN"));
    }

    [TestCase(24)]
    [TestCase(26)]
    [TestCase(0)]
    public async Task Predict_WrongCount_400NamingMfccs(int count)
    {
        var message = await AssertInvalidField(await Client.PostAsync("/prediction/DNN", Json(ApiContractTests.Mfccs(count))), "mfccs");

        Assert.That(message, Does.Contain("25"));
    }

    [TestCase("""{"mfccs":[1,2,"three",4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25]}""", "mfccs[2]")]
    [TestCase("""{"mfccs":[1,2,3,null,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25]}""", "mfccs[3]")]
    [TestCase("""{"mfccs":[true,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25]}""", "mfccs[0]")]
    [TestCase("""{"mfccs":[[1],2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25]}""", "mfccs[0]")]
    [TestCase("""{"mfccs":"1,2,3"}""", "mfccs")]
    [TestCase("""{"mfccs":null}""", "mfccs")]
    [TestCase("""{"features":[1,2,3]}""", "mfccs")]
    [TestCase("""{}""", "mfccs")]
    [TestCase("""null""", "mfccs")]
    [TestCase("""[1,2,3]""", "body")]
    [TestCase("""{"mfccs":[1,2,3""", "mfccs[2]")]
    [TestCase("""{"mfccs":[1,2,3]} trailing""", "body")]
    [TestCase("""not json""", "body")]
    [TestCase("", "body")]
    public async Task Predict_MalformedOrMistypedBody_400NamingTheField(string body, string field)
    {
        await AssertInvalidField(await Client.PostAsync("/prediction/DNN", Json(body)), field);
    }

    [TestCase("1e39")]
    [TestCase("-1e39")]
    [TestCase("1e400")]
    [TestCase("3.5e38")]
    public async Task Predict_NumberBeyondFloatRange_400NamingItsIndex(string number)
    {
        var body = ApiContractTests.Mfccs().Replace("[-10,", $"[{number},");

        var message = await AssertInvalidField(await Client.PostAsync("/prediction/DNN", Json(body)), "mfccs[0]");

        Assert.That(message, Does.Contain("float range"));
    }

    [TestCase("NaN")]
    [TestCase("Infinity")]
    [TestCase("-Infinity")]
    [TestCase("\"NaN\"")]
    public async Task Predict_NaNOrInfinityToken_400NamingItsIndex(string token)
    {
        var body = ApiContractTests.Mfccs().Replace("[-10,", $"[{token},");

        await AssertInvalidField(await Client.PostAsync("/prediction/DNN", Json(body)), "mfccs[0]");
    }

    [Test]
    public async Task Predict_StringNumbers_400_AsTheOriginalRefusedThem()
    {
        var body = ApiContractTests.Mfccs().Replace("[-10,", "[\"-10\",");

        await AssertInvalidField(await Client.PostAsync("/prediction/DNN", Json(body)), "mfccs[0]");
    }

    [TestCase("text/plain")]
    [TestCase("application/x-www-form-urlencoded")]
    [TestCase("application/xml")]
    [TestCase("image/png")]
    public async Task Predict_UnsupportedContentType_415(string contentType)
    {
        var content = new StringContent(ApiContractTests.Mfccs(), Encoding.UTF8, contentType);

        var problem = await AssertProblem(await Client.PostAsync("/prediction/DNN", content), HttpStatusCode.UnsupportedMediaType);

        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("application/json").And.Contain("audio/wav"));
    }

    [Test]
    public async Task Batch_AudioContentType_415()
    {
        var content = new ByteArrayContent([1, 2, 3]);
        content.Headers.ContentType = new("audio/wav");

        await AssertProblem(await Client.PostAsync("/prediction/DNN/batch", content), HttpStatusCode.UnsupportedMediaType);
    }

    [Test]
    public async Task Predict_NoContentType_IsReadAsJson_AsOldScriptsSendIt()
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(ApiContractTests.Mfccs()));

        var response = await Client.PostAsync("/prediction/DNN", content);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Predict_JsonOver64KiB_413()
    {
        var body = "{\"mfccs\":[" + string.Join(",", Enumerable.Repeat("1.000000", 8000)) + "]}";
        Assert.That(body.Length, Is.GreaterThan(64 * 1024));

        var problem = await AssertProblem(await Client.PostAsync("/prediction/DNN", Json(body)), HttpStatusCode.RequestEntityTooLarge);

        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("65536"));
    }

    [Test]
    public async Task Predict_ChunkedJsonOverTheLimit_413WithoutAContentLength()
    {
        var body = Encoding.UTF8.GetBytes("{\"mfccs\":[" + string.Join(",", Enumerable.Repeat("1.000000", 8000)) + "]}");
        var content = new StreamContent(new NonSeekableStream(body));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/prediction/DNN") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        await AssertProblem(await Client.SendAsync(request), HttpStatusCode.RequestEntityTooLarge);
    }

    [Test]
    public async Task Predict_ConfiguredJsonLimit_IsHonoured()
    {
        using var factory = ApiFactory.WithModels(new FakeModelSet(), ("Limits:JsonBytes", "100"));
        using var client = factory.CreateClient();

        await AssertProblem(await client.PostAsync("/prediction/DNN", Json(ApiContractTests.Mfccs())), HttpStatusCode.RequestEntityTooLarge);
    }

    [Test]
    public async Task Batch_MoreItemsThanTheLimit_400NamingItems()
    {
        using var factory = ApiFactory.WithModels(new FakeModelSet(), ("Prediction:MaxBatchItems", "2"));
        using var client = factory.CreateClient();
        var body = "{\"items\":[" + string.Join(",", Enumerable.Repeat(ApiContractTests.Mfccs(), 3)) + "]}";

        var message = await AssertInvalidField(await client.PostAsync("/prediction/DNN/batch", Json(body)), "items");

        Assert.That(message, Does.Contain("1 to 2 items, not 3"));
    }

    [TestCase("""{"items":[]}""", "items")]
    [TestCase("""{"items":null}""", "items")]
    [TestCase("""{}""", "items")]
    [TestCase("""{"items":[{"mfccs":[1,2]}]}""", "items[0].mfccs")]
    [TestCase("""{"items":[null]}""", "items[0].mfccs")]
    [TestCase("""{"items":[{"mfccs":["x"]}]}""", "items[0].mfccs[0]")]
    public async Task Batch_BadItems_400NamingTheItem(string body, string field)
    {
        await AssertInvalidField(await Client.PostAsync("/prediction/CNN/batch", Json(body)), field);
    }

    [Test]
    public async Task UnknownRoute_404ProblemDetails()
    {
        var response = await Client.GetAsync("/predictions");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task Predict_Get_405()
    {
        var response = await Client.GetAsync("/prediction/DNN");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
    }

    /// <summary>A body stream of unknown length, so HttpClient sends it chunked.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
