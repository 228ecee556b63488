using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Classification;
using EmotionRecognition.Infrastructure.Configuration;
using EmotionRecognition.Infrastructure.ModelSets;
using EmotionRecognition.IntegrationTests.Api;
using EmotionRecognition.IntegrationTests.Infrastructure;

namespace EmotionRecognition.IntegrationTests.Api;

/// <summary>
/// CRNN through the Api over the real classifier and a saved model set (CNN, DNN and an untrained CRNN):
/// audio in gives 8 emotions computed from the sequence profile in the manifest; an MFCC vector is a 400.
/// </summary>
[TestFixture]
public sealed class CrnnApiTests
{
    private const string Speech = "speech_22050_s16.wav";
    private TempFolder _folder = null!;
    private ModelSetClassifier _classifier = null!;
    private ApiFactory _factory = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public void SetUp()
    {
        _folder = new TempFolder();
        TestModelSets.Save(new ModelStore(_folder.Path), seed: 21);
        _classifier = new ModelSetClassifier(new ModelsOptions { Path = _folder.Path });
        _factory = new ApiFactory(_classifier);
        _client = _factory.CreateClient();
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        _client.Dispose();
        _factory.Dispose();
        _folder.Dispose();
    }

    [Test]
    public async Task Predict_AudioForCrnn_Returns8EmotionsInLabelOrderFromTheSequenceProfile()
    {
        var wav = GoldenWavs.Read(Speech);
        var content = PredictionRequests.Wav(wav);

        var response = await _client.PostAsync("/prediction/crnn", content);

        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        var results = JsonDocument.Parse(text).RootElement.GetProperty("results").EnumerateArray().ToArray();
        Assert.That(results.Select(r => r.GetProperty("emotionType").GetString()), Is.EqualTo(Emotions.AllLabels));
        var probabilities = results.Select(r => r.GetProperty("prediction").GetSingle()).ToArray();
        Assert.That(probabilities.Sum(), Is.EqualTo(1f).Within(1e-5));
        var expected = _classifier.Current.ClassifySequence(NetworkType.Crnn,
            SequenceFeatures.Prepare(new FeaturePipeline(FeatureProfile.Sequence).ExtractLogMel(WavReader.Read(wav)), FeatureProfile.Sequence.FloorDb));
        Assert.That(probabilities, Is.EqualTo(expected));
    }

    [Test]
    public async Task Predict_MfccVectorForCrnn_Is400ProblemThatSaysToSendAudio()
    {
        var body = "{\"mfccs\":[" + string.Join(",", TestModelSets.Input(1).Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]}";

        var response = await _client.PostAsync("/prediction/CRNN", ApiContractTests.Json(body));

        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(text, Does.Contain("networkType").And.Contain("audio only"));
    }

    [Test]
    public async Task PredictBatch_Crnn_Is400()
    {
        var vector = string.Join(",", TestModelSets.Input(2).Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

        var response = await _client.PostAsync("/prediction/crnn/batch", ApiContractTests.Json("{\"items\":[{\"mfccs\":[" + vector + "]}]}"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Models_ListCrnnAsAudioOnlyWithItsSequenceProfile()
    {
        var json = JsonDocument.Parse(await _client.GetStringAsync("/models")).RootElement;

        var models = json.GetProperty("models").EnumerateArray().ToDictionary(m => m.GetProperty("networkType").GetString()!);
        Assert.That(models.Keys, Is.EquivalentTo(new[] { "CNN", "DNN", "CRNN" }));
        Assert.That(models["CRNN"].GetProperty("inputs").EnumerateArray().Select(i => i.GetString()), Is.EqualTo(new[] { "audio" }));
        Assert.That(models["CRNN"].GetProperty("featureProfile").GetProperty("name").GetString(), Is.EqualTo("sequence"));
        Assert.That(models["DNN"].GetProperty("inputs").EnumerateArray().Select(i => i.GetString()), Is.EqualTo(new[] { "mfccs", "audio" }));
    }

    [Test]
    public async Task Configuration_StillReportsTheContractsMfccCount()
    {
        var json = JsonDocument.Parse(await _client.GetStringAsync("/init/configuration")).RootElement;

        Assert.That(json.GetProperty("numberOfMfccs").GetInt32(), Is.EqualTo(FeatureProfile.ContractMfccCount));
    }
}
