using System.Net;
using System.Text.Json;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.IntegrationTests.Api;

namespace EmotionRecognition.IntegrationTests.Timeline;

/// <summary><c>POST /prediction/{networkType}/timeline</c> with the real voice-activity detector and a fake model set.</summary>
[TestFixture]
public sealed class TimelineApiTests
{
    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(ApiFactory factory, string network, byte[] wav, string contentType = "audio/wav")
    {
        using var client = factory.CreateClient();
        using var response = await client.PostAsync($"/prediction/{network}/timeline", PredictionRequests.Wav(wav, contentType));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    [Test]
    public async Task Timeline_SentencesWithPauses_GivesOneSegmentPerSentenceOnItsSpeech()
    {
        var recording = TimelineRecordings.Sentences(3);
        using var factory = ApiFactory.WithModels(new FakeModelSet());

        var (status, body) = await PostAsync(factory, "dnn", TimelineRecordings.Wav(recording.Clip));

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body.ToString());
        Assert.That(body.GetProperty("duration").GetDouble(), Is.EqualTo(recording.Clip.DurationSeconds).Within(0.001));
        var segments = body.GetProperty("segments").EnumerateArray().ToArray();
        Assert.That(segments, Has.Length.EqualTo(3), body.ToString());
        for (int i = 0; i < 3; i++)
        {
            var (start, end, _) = recording.Sentences[i];
            // Segments are padded by design (0.25 s before, 0.1 s after); the detector itself is allowed 0.3 s.
            Assert.That(segments[i].GetProperty("start").GetDouble(), Is.EqualTo(start - 0.25).Within(0.3), $"segment {i} start");
            Assert.That(segments[i].GetProperty("end").GetDouble(), Is.EqualTo(end + 0.1).Within(0.3), $"segment {i} end");
            Assert.That(PredictionRequests.Probabilities(segments[i].ToString()), Is.EqualTo(FakeModelSet.DnnAnswer));
        }
        Assert.That(PredictionRequests.Probabilities(body.GetProperty("summary").ToString()), Is.EqualTo(FakeModelSet.DnnAnswer).Within(1e-6));
    }

    [Test]
    public async Task Timeline_MfccNetwork_HearsEachSegmentsMeanMfccs()
    {
        var recording = TimelineRecordings.Sentences(2);
        var models = new FakeModelSet();
        using var factory = ApiFactory.WithModels(models);
        using var client = factory.CreateClient();  // starts the host, whose warm-up runs one input per network
        var warmUp = models.Inputs.Count;

        var (status, body) = await PostAsync(factory, "cnn", TimelineRecordings.Wav(recording.Clip));

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        var heard = models.Inputs.Skip(warmUp).ToArray();
        Assert.That(heard, Has.Length.EqualTo(2), body.ToString());
        Assert.That(heard, Has.All.Length.EqualTo(25));
        Assert.That(heard[0], Is.Not.EqualTo(heard[1]), "each segment its own features");
    }

    [Test]
    public async Task Timeline_Silence_GivesNoSegmentAndAnEmptySummary()
    {
        var silence = new AudioClip(new float[22050 * 20], 22050);
        using var factory = ApiFactory.WithModels(new FakeModelSet());

        var (status, body) = await PostAsync(factory, "DNN", TimelineRecordings.Wav(silence));

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body.GetProperty("duration").GetDouble(), Is.EqualTo(20));
        Assert.That(body.GetProperty("segments").GetArrayLength(), Is.Zero);
        Assert.That(body.GetProperty("summary").GetProperty("results").GetArrayLength(), Is.Zero);
    }

    [Test]
    public async Task Timeline_LongerThanTheLimit_Is422NamingTheLimit()
    {
        var tone = Trainer.TestWav.Tone(220, seconds: 12);
        using var factory = ApiFactory.WithModels(new FakeModelSet(), ("Timeline:MaxRecordingSeconds", "10"));

        var (status, body) = await PostAsync(factory, "dnn", tone);

        Assert.That(status, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        Assert.That(body.GetProperty("detail").GetString(), Does.Contain("10 s"));
    }

    [Test]
    public async Task Timeline_NotAWav_Is422()
    {
        using var factory = ApiFactory.WithModels(new FakeModelSet());

        var (status, _) = await PostAsync(factory, "dnn", "not audio at all"u8.ToArray());

        Assert.That(status, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
    }

    [Test]
    public async Task Timeline_JsonBody_Is415()
    {
        using var factory = ApiFactory.WithModels(new FakeModelSet());

        var (status, body) = await PostAsync(factory, "dnn", "{\"mfccs\":[1]}"u8.ToArray(), "application/json");

        Assert.That(status, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
        Assert.That(body.GetProperty("detail").GetString(), Does.Contain("audio/wav"));
    }

    [Test]
    public async Task Timeline_UnknownNetwork_Is400()
    {
        using var factory = ApiFactory.WithModels(new FakeModelSet());

        var (status, body) = await PostAsync(factory, "rnn", Trainer.TestWav.Tone(220));

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(body.GetProperty("errors").TryGetProperty("networkType", out _), Is.True);
    }

    [Test]
    public async Task OpenApi_DocumentsTheTimelineRouteWithAnExample()
    {
        using var factory = ApiFactory.WithModels(new FakeModelSet());
        using var client = factory.CreateClient();

        var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement;

        var post = document.GetProperty("paths").GetProperty("/prediction/{networkType}/timeline").GetProperty("post");
        Assert.That(post.GetProperty("requestBody").GetProperty("content").TryGetProperty("audio/wav", out _), Is.True);
        var example = post.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("example");
        Assert.That(example.GetProperty("segments").GetArrayLength(), Is.EqualTo(2));
    }
}
