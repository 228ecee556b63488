using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace EmotionRecognition.IntegrationTests.Api;

/// <summary>The original contract, byte for byte, and the introspection routes, against a fake model set.</summary>
[TestFixture]
public sealed class ApiContractTests : InMemoryApiTests
{

    private const string DnnResults =
        """{"results":[{"emotionType":"angry","prediction":0.5},{"emotionType":"calm","prediction":0.25},{"emotionType":"disgust","prediction":0.125},{"emotionType":"fearful","prediction":0.0625},{"emotionType":"happy","prediction":0.03125},{"emotionType":"neutral","prediction":0.015625},{"emotionType":"sad","prediction":0.0078125},{"emotionType":"surprised","prediction":0.0078125}]}""";

    private const string CnnResults =
        """{"results":[{"emotionType":"angry","prediction":0.0078125},{"emotionType":"calm","prediction":0.0078125},{"emotionType":"disgust","prediction":0.015625},{"emotionType":"fearful","prediction":0.03125},{"emotionType":"happy","prediction":0.0625},{"emotionType":"neutral","prediction":0.125},{"emotionType":"sad","prediction":0.25},{"emotionType":"surprised","prediction":0.5}]}""";

    internal static string Mfccs(int count = 25) =>
        "{\"mfccs\":[" + string.Join(",", Enumerable.Range(0, count).Select(i => (i * 1.5 - 10).ToString(CultureInfo.InvariantCulture))) + "]}";

    internal static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task AssertJsonBody(HttpResponseMessage response, string expected)
    {
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo("application/json; charset=utf-8"));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo(expected));
    }

    [Test]
    public async Task Predict_Dnn25Mfccs_AnswersTheOriginalJsonExactly()
    {
        var response = await Client.PostAsync("/prediction/DNN", Json(Mfccs()));

        await AssertJsonBody(response, DnnResults);
    }

    [TestCase("CNN")]
    [TestCase("cnn")]
    [TestCase("Cnn")]
    public async Task Predict_NetworkTypeInAnyCase_UsesThatNetwork(string networkType)
    {
        var response = await Client.PostAsync($"/prediction/{networkType}", Json(Mfccs()));

        await AssertJsonBody(response, CnnResults);
    }

    [Test]
    public async Task Predict_GsonStyleBodyFromTheAndroidClient_ReachesTheModelDigitForDigit()
    {
        // What Gson writes for a Java float[]: shortest repr, "12.0" for integers, E notation for tiny and huge
        // values; Retrofit sends it with this Content-Type.
        const string body =
            "{\"mfccs\":[-512.3456,12.0,98.76543,-7.125,0.0,3.4028235E38,-1.0E-7,25.5,1.17549435E-38,-20.25,7.0,0.33333334," +
            "-0.6666667,100.0,-100.0,5.5,6.25,-7.75,8.0,9.125,-10.5,11.0,12.75,-13.0,14.5]}";
        var expected = body[10..^2].Split(',').Select(n => float.Parse(n, CultureInfo.InvariantCulture)).ToArray();
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json; charset=UTF-8");

        var response = await Client.PostAsync("/prediction/DNN", content);

        await AssertJsonBody(response, DnnResults);
        Assert.That(expected, Has.Length.EqualTo(25));
        Assert.That(Models.Inputs.Single(), Is.EqualTo(expected));
    }

    [Test]
    public void Startup_RunsOneWarmUpPassPerNetwork_BeforeTheFirstRequest()
    {
        var models = new FakeModelSet();
        using var factory = ApiFactory.WithModels(models);

        factory.StartServer();

        Assert.That(models.Inputs, Has.Count.EqualTo(2));
        Assert.That(models.Inputs, Has.All.Length.EqualTo(25));
    }

    [Test]
    public async Task Predict_ProbabilitiesAreEightEmotionsInLabelOrderSummingToOne()
    {
        var response = await Client.PostAsync("/prediction/dnn", Json(Mfccs()));

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var results = json.RootElement.GetProperty("results").EnumerateArray().ToArray();
        Assert.That(results.Select(r => r.GetProperty("emotionType").GetString()),
            Is.EqualTo(new[] { "angry", "calm", "disgust", "fearful", "happy", "neutral", "sad", "surprised" }));
        Assert.That(results.Sum(r => r.GetProperty("prediction").GetDouble()), Is.EqualTo(1.0).Within(1e-6));
    }

    [TestCase("/init/configuration")]
    [TestCase("/configuration/init")]
    public async Task Configuration_BothRoutes_AnswerTheManifestsMfccCount(string route)
    {
        var response = await Client.GetAsync(route);

        await AssertJsonBody(response, """{"numberOfMfccs":25}""");
    }

    [Test]
    public async Task Batch_TwoItems_AnswersEachInRequestOrder()
    {
        var body = "{\"items\":[" + Mfccs() + "," + Mfccs() + "]}";

        var response = await Client.PostAsync("/prediction/cnn/batch", Json(body));

        await AssertJsonBody(response, "{\"items\":[" + CnnResults + "," + CnnResults + "]}");
        Assert.That(Models.Inputs, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Models_AnswersTheDocumentedShapeExactly()
    {
        const string profile =
            """{"name":"compat","version":1,"sampleRateHz":22050,"offsetSeconds":1,"durationSeconds":2.5,"fftSize":2048,"hopLength":512,"melBands":128,"minFrequencyHz":0,"maxFrequencyHz":null,"coefficientCount":25,"topDb":80,"effectiveMaxFrequencyHz":11025}""";
        const string labels = """["angry","calm","disgust","fearful","happy","neutral","sad","surprised"]""";

        var response = await Client.GetAsync("/models");

        await AssertJsonBody(response,
            "{\"modelSetId\":\"fake-0001\",\"models\":[" +
            "{\"networkType\":\"CNN\",\"inputs\":[\"mfccs\",\"audio\"],\"featureProfile\":" + profile + ",\"labels\":" + labels +
            ",\"metrics\":{\"accuracy\":0.41,\"macroF1\":0.39,\"protocol\":\"5 folds by actor\",\"folds\":5},\"createdAt\":\"2026-11-25T08:00:00+00:00\"}," +
            "{\"networkType\":\"DNN\",\"inputs\":[\"mfccs\",\"audio\"],\"featureProfile\":" + profile + ",\"labels\":" + labels +
            ",\"metrics\":null,\"createdAt\":\"2026-11-25T08:00:00+00:00\"}]}");
    }

    [Test]
    public async Task HealthLive_AndReady_WithModelsLoaded_Answer200()
    {
        var live = await Client.GetAsync("/health/live");
        var ready = await Client.GetAsync("/health/ready");

        Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await ready.Content.ReadAsStringAsync(), Is.EqualTo("""{"status":"Healthy","detail":"Serving model set fake-0001."}"""));
    }

    [Test]
    public async Task Root_ServesTheWebPageFromWwwroot()
    {
        var response = await Client.GetAsync("/");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("<html"));
    }

    [Test]
    public async Task OpenApi_DocumentListsEveryRoute()
    {
        var response = await Client.GetAsync("/openapi/v1.json");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = json.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.That(paths, Is.SupersetOf(new[]
        {
            "/prediction/{networkType}", "/prediction/{networkType}/batch", "/init/configuration", "/configuration/init", "/models",
        }));
    }

    [Test]
    public async Task Scalar_ReferencePage_IsServed()
    {
        var response = await Client.GetAsync("/scalar/v1");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
    }

    [Test]
    public async Task Metrics_AfterPredictions_ExportsRequestAndPredictionCounters()
    {
        await Client.PostAsync("/prediction/DNN", Json(Mfccs()));
        await Client.PostAsync("/prediction/cnn/batch", Json("{\"items\":[" + Mfccs() + "," + Mfccs() + "]}"));

        var text = await Client.GetStringAsync("/metrics");

        Assert.That(text, Does.Contain("emotion_predictions_total{"));
        Assert.That(text, Does.Match("emotion_predictions_total\\{[^}]*network=\"DNN\"[^}]*\\} 1"));
        Assert.That(text, Does.Match("emotion_predictions_total\\{[^}]*network=\"CNN\"[^}]*\\} 2"));
        Assert.That(text, Does.Contain("http_server_request_duration_seconds"));
    }
}
