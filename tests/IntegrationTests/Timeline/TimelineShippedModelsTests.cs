using System.Net;
using System.Text.Json;
using EmotionRecognition.Api.Binding;
using EmotionRecognition.IntegrationTests.Api;
using Microsoft.AspNetCore.Mvc.Testing;

namespace EmotionRecognition.IntegrationTests.Timeline;

/// <summary>The timeline route as shipped: the models in the repository, the real detector, every network.</summary>
[TestFixture]
public sealed class TimelineShippedModelsTests
{
    private WebApplicationFactory<PredictionInput> _factory = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public void StartWithTheShippedModels()
    {
        Assume.That(File.Exists(Path.Combine(GoldenWavs.RepoRoot, "models", "current")), Is.True, "the shipped models are missing");
        _factory = new WebApplicationFactory<PredictionInput>();
        _client = _factory.CreateClient();
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _client?.Dispose();
        _factory?.Dispose();
    }

    [TestCase("CNN")]
    [TestCase("DNN")]
    [TestCase("CRNN")]
    public async Task Timeline_EveryNetwork_ClassifiesEachSentenceIntoEightProbabilitiesSummingToOne(string network)
    {
        var recording = TimelineRecordings.Sentences(3);

        using var response = await _client.PostAsync($"/prediction/{network}/timeline", PredictionRequests.Wav(TimelineRecordings.Wav(recording.Clip)));
        var body = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        var segments = JsonDocument.Parse(body).RootElement.GetProperty("segments").EnumerateArray().ToArray();
        Assert.That(segments, Has.Length.EqualTo(3));
        foreach (var segment in segments)
        {
            var probabilities = PredictionRequests.Probabilities(segment.ToString());
            Assert.That(probabilities, Has.Length.EqualTo(8));
            Assert.That(probabilities.Sum(), Is.EqualTo(1).Within(1e-4));
        }
        var summary = PredictionRequests.Probabilities(JsonDocument.Parse(body).RootElement.GetProperty("summary").ToString());
        Assert.That(summary.Sum(), Is.EqualTo(1).Within(1e-4));
    }
}
