using System.Net;
using System.Net.Http.Headers;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;

namespace EmotionRecognition.IntegrationTests.Api;

/// <summary>WAV in on the prediction route: raw body or multipart file, features from the served profile.</summary>
[TestFixture]
public sealed class ApiAudioTests : InMemoryApiTests
{
    private const string Speech = "speech_22050_s16.wav";

    /// <summary>What the served model must receive: the pipeline of the manifest's profile over the file.</summary>
    private static float[] ExpectedFeatures(string name) =>
        new FeaturePipeline(FeatureProfile.Compat).ExtractMean(WavReader.Read(GoldenWavs.Read(name)));

    [TestCase("audio/wav")]
    [TestCase("audio/x-wav")]
    [TestCase("audio/wave")]
    [TestCase("audio/vnd.wave")]
    public async Task Predict_WavBody_ExtractsWithTheServedProfileAndAnswersTheContract(string contentType)
    {
        var response = await Client.PostAsync("/prediction/DNN", PredictionRequests.Wav(GoldenWavs.Read(Speech), contentType));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(await response.Content.ReadAsStringAsync(), Does.StartWith("""{"results":[{"emotionType":"angry","prediction":0.5},"""));
        Assert.That(Models.Inputs.Single(), Is.EqualTo(ExpectedFeatures(Speech)));
        Assert.That(Models.Inputs.Single(), Has.Length.EqualTo(25));
    }

    [Test]
    public async Task Predict_MultipartWithOneFile_SameAsTheRawBody()
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent("a note the server ignores"), "comment" },
            { PredictionRequests.Wav(GoldenWavs.Read("tone_16000_s16.wav")), "file", "tone.wav" },
        };

        var response = await Client.PostAsync("/prediction/cnn", form);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(Models.Inputs.Single(), Is.EqualTo(ExpectedFeatures("tone_16000_s16.wav")));
    }

    [Test]
    public async Task Predict_MultipartWithTwoFiles_400NamingFile()
    {
        using var form = new MultipartFormDataContent
        {
            { PredictionRequests.Wav(GoldenWavs.Read(Speech)), "file", "a.wav" },
            { PredictionRequests.Wav(GoldenWavs.Read(Speech)), "other", "b.wav" },
        };

        var problem = await ApiErrorTests.AssertProblem(await Client.PostAsync("/prediction/cnn", form), HttpStatusCode.BadRequest);

        Assert.That(problem.GetProperty("errors").TryGetProperty("file", out _), Is.True);
    }

    [Test]
    public async Task Predict_MultipartWithoutAFile_400NamingFile()
    {
        using var form = new MultipartFormDataContent { { new StringContent("no file here"), "comment" } };

        var problem = await ApiErrorTests.AssertProblem(await Client.PostAsync("/prediction/cnn", form), HttpStatusCode.BadRequest);

        Assert.That(problem.GetProperty("errors").TryGetProperty("file", out _), Is.True);
    }

    [Test]
    public async Task Predict_EmptyWavBody_422WithTheDecodersMessage()
    {
        var problem = await ApiErrorTests.AssertProblem(await Client.PostAsync("/prediction/DNN", PredictionRequests.Wav([])), HttpStatusCode.UnprocessableEntity);

        Assert.That(problem.GetProperty("detail").GetString(), Does.StartWith("The audio is empty (0 bytes)"));
    }

    [Test]
    public async Task Predict_NotAudio_422NamingTheFormatsWeRead()
    {
        var text = "this is not RIFF audio"u8.ToArray();

        var problem = await ApiErrorTests.AssertProblem(await Client.PostAsync("/prediction/DNN", PredictionRequests.Wav(text)), HttpStatusCode.UnprocessableEntity);

        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("not recognised").And.Contain(AudioFormats.Supported));
    }

    [Test]
    public async Task Predict_WavWithNoSamples_422()
    {
        var header = GoldenWavs.Read(Speech).AsSpan(0, 44).ToArray();
        BitConverter.TryWriteBytes(header.AsSpan(40), 0); // data chunk size 0: no sample frames

        var problem = await ApiErrorTests.AssertProblem(await Client.PostAsync("/prediction/DNN", PredictionRequests.Wav(header)), HttpStatusCode.UnprocessableEntity);

        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("data"));
    }

    [Test]
    public async Task Predict_WavOverTheConfiguredLimit_413()
    {
        using var factory = ApiFactory.WithModels(new FakeModelSet(), ("Limits:AudioBytes", "50000"));
        using var client = factory.CreateClient();
        var wav = GoldenWavs.Read(Speech);
        Assert.That(wav.Length, Is.GreaterThan(50000));

        var problem = await ApiErrorTests.AssertProblem(await client.PostAsync("/prediction/DNN", PredictionRequests.Wav(wav)), HttpStatusCode.RequestEntityTooLarge);

        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("50000"));
    }

    [Test]
    public async Task Predict_WavToAnUnknownNetwork_400()
    {
        await ApiErrorTests.AssertProblem(await Client.PostAsync("/prediction/rnn", PredictionRequests.Wav(GoldenWavs.Read(Speech))), HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Metrics_AfterAnAudioPrediction_CountsItAsAudio()
    {
        await Client.PostAsync("/prediction/DNN", PredictionRequests.Wav(GoldenWavs.Read(Speech)));

        var text = await Client.GetStringAsync("/metrics");

        Assert.That(text, Does.Match("emotion_predictions_total\\{[^}]*input=\"audio\"[^}]*network=\"DNN\"[^}]*\\} 1"));
    }
}
