using System.Net;

namespace EmotionRecognition.IntegrationTests.Api;

/// <summary>Without models the process stays up: liveness passes, readiness and predictions say why.</summary>
[TestFixture]
public sealed class ModelsUnavailableTests : InMemoryApiTests
{
    private const string Reason = "Model folder /srv/models has no manifest.json; run the Trainer or set [models] path.";

    private protected override ApiFactory CreateFactory(FakeModelSet models) => ApiFactory.WithoutModels(Reason);

    [Test]
    public async Task HealthLive_WithoutModels_200()
    {
        Assert.That((await Client.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task HealthReady_WithoutModels_503WithTheReason()
    {
        var response = await Client.GetAsync("/health/ready");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("{\"status\":\"Unhealthy\",\"detail\":\"" + Reason + "\"}"));
    }

    [TestCase("/prediction/DNN", true)]
    [TestCase("/prediction/cnn/batch", true)]
    [TestCase("/init/configuration", false)]
    [TestCase("/configuration/init", false)]
    [TestCase("/models", false)]
    public async Task ModelRoutes_WithoutModels_503WithTheReason(string route, bool post)
    {
        var body = route.EndsWith("batch") ? "{\"items\":[" + ApiContractTests.Mfccs() + "]}" : ApiContractTests.Mfccs();
        var response = post ? await Client.PostAsync(route, ApiContractTests.Json(body)) : await Client.GetAsync(route);

        var problem = await ApiErrorTests.AssertProblem(response, HttpStatusCode.ServiceUnavailable);

        Assert.That(problem.GetProperty("detail").GetString(), Is.EqualTo(Reason));
    }

    [Test]
    public async Task Predict_WithoutModels_StillValidatesInputFirst()
    {
        var response = await Client.PostAsync("/prediction/rnn", ApiContractTests.Json(ApiContractTests.Mfccs()));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }
}
