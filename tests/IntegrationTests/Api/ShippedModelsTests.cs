using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using EmotionRecognition.Api.Binding;
using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EmotionRecognition.IntegrationTests.Api;

/// <summary>
/// The Api exactly as `dotnet run --project src/Api` configures it (config.ini, [models] path = models),
/// serving the models shipped in the repository, with nothing replaced.
/// </summary>
[TestFixture]
public sealed class ShippedModelsTests
{
    private WebApplicationFactory<PredictionInput> _factory = null!;
    private HttpClient _client = null!;
    private IModelSet _models = null!;

    [OneTimeSetUp]
    public void StartWithTheShippedModels()
    {
        var pointer = Path.Combine(GoldenWavs.RepoRoot, "models", "current");
        if (!File.Exists(pointer))
        {
            Assert.Fail($"The shipped models are missing: expected {pointer} naming the served set.");
        }
        _factory = new WebApplicationFactory<PredictionInput>();
        _client = _factory.CreateClient();
        var classifier = _factory.Services.GetRequiredService<IEmotionClassifier>();
        Assert.That(classifier.UnavailableReason, Is.Null, "the shipped models did not load");
        _models = classifier.Current;
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    [Test]
    public async Task ReadyAndModels_NameTheSetThatModelsCurrentPointsTo()
    {
        var current = File.ReadAllText(Path.Combine(GoldenWavs.RepoRoot, "models", "current")).Trim();

        var ready = await _client.GetAsync("/health/ready");
        using var models = JsonDocument.Parse(await _client.GetStringAsync("/models"));

        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await ready.Content.ReadAsStringAsync(), Does.Contain(current));
        Assert.That(models.RootElement.GetProperty("modelSetId").GetString(), Is.EqualTo(current));
        Assert.That(models.RootElement.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("metrics").GetProperty("folds").GetInt32()),
            Has.All.GreaterThan(1), "shipped models carry their speaker-independent evaluation");
        Assert.That(await _client.GetStringAsync("/init/configuration"), Is.EqualTo("""{"numberOfMfccs":25}"""));
    }

    [Test]
    public async Task Predict_AndroidGsonDnnRequest_AnswersWhatTheShippedDnnComputes()
    {
        // The golden librosa means of speech_22050_s16.wav as the Android client's Gson writes a float[].
        const string body =
            "{\"mfccs\":[-266.8878,73.6109,-5.6017,45.6491,3.7678,-8.2786,-2.4421,1.1334,-30.3994,-0.3632,-9.1981,4.6669," +
            "-0.8245,-7.8161,1.2344,3.0378,-3.5308,-9.0812,4.7555,-6.7799,-3.1106,1.7323,-4.8156,-0.8863,-2.838]}";
        var mfccs = body[10..^2].Split(',').Select(n => float.Parse(n, CultureInfo.InvariantCulture)).ToArray();
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json; charset=UTF-8");

        var response = await _client.PostAsync("/prediction/DNN", content);

        var json = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json);
        Assert.That(JsonDocument.Parse(json).RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("emotionType").GetString()),
            Is.EqualTo(Emotions.AllLabels));
        var probabilities = PredictionRequests.Probabilities(json);
        Assert.That(probabilities, Is.EqualTo(_models.ClassifyMany(NetworkType.Dnn, [mfccs])[0]));
        Assert.That(probabilities.Sum(), Is.EqualTo(1f).Within(1e-5));
    }

    [Test]
    public async Task Predict_SpeechWav_AnswersTheShippedCnnOnTheManifestProfilesFeatures()
    {
        var wav = GoldenWavs.Read("speech_22050_s16.wav");
        var content = PredictionRequests.Wav(wav);

        var response = await _client.PostAsync("/prediction/cnn", content);

        var json = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json);
        var profile = _models.Describe(NetworkType.Cnn).Profile;
        var features = new FeaturePipeline(profile).ExtractMean(WavReader.Read(wav));
        Assert.That(PredictionRequests.Probabilities(json), Is.EqualTo(_models.ClassifyMany(NetworkType.Cnn, [features])[0]));
    }

    [Test]
    public async Task Predict_SpeechWavForCrnn_AnswersTheShippedNetworksMixedWithTheClipsFunctionals()
    {
        var wav = GoldenWavs.Read("speech_22050_s16.wav");
        var content = PredictionRequests.Wav(wav);

        var response = await _client.PostAsync("/prediction/crnn", content);

        var json = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json);
        var speech = new FeaturePipeline(_models.Describe(NetworkType.Crnn).Profile).ExtractSpeech(WavReader.Read(wav));
        Assert.That(speech.Functionals, Is.Not.Null, "the shipped CRNN reads pitch rows, so the clip has functionals");
        Assert.That(PredictionRequests.Probabilities(json), Is.EqualTo(_models.ClassifySequence(NetworkType.Crnn, speech.Sequence, speech.Functionals)));
    }

    // Digital silence and a 0.1 s blip: odd audio still gets a finite answer from the
    // shipped networks and functionals model, never a 500.
    [TestCase(0.0, 3.0)]
    [TestCase(220.0, 0.1)]
    public async Task Predict_OddAudioForCrnn_AnswersFiniteProbabilitiesSummingToOne(double frequencyHz, double seconds)
    {
        var content = PredictionRequests.Wav(Trainer.TestWav.Tone(frequencyHz, seconds: seconds));

        var response = await _client.PostAsync("/prediction/crnn", content);

        var json = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json);
        var probabilities = PredictionRequests.Probabilities(json);
        Assert.That(probabilities.All(float.IsFinite), Is.True, json);
        Assert.That(probabilities.Sum(), Is.EqualTo(1f).Within(1e-5));
    }
}
