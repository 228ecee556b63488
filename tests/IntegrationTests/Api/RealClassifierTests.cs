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
using EmotionRecognition.IntegrationTests.Infrastructure;

namespace EmotionRecognition.IntegrationTests.Api;

/// <summary>
/// The Api over the real TorchSharp classifier and model store, with a small model set saved to a temp
/// folder: answers equal a direct forward pass, and missing or corrupt models give 503 with the store's reason.
/// </summary>
[TestFixture]
public sealed class RealClassifierTests
{
    private static float[] PredictDirectly(ModelSetClassifier classifier, NetworkType network, float[] input) =>
        classifier.Current.ClassifyMany(network, [input])[0];

    [TestCase(NetworkType.Dnn)]
    [TestCase(NetworkType.Cnn)]
    public async Task Predict_Mfccs_AnswersExactlyWhatTheModelComputes(NetworkType network)
    {
        using var folder = new TempFolder();
        TestModelSets.Save(new ModelStore(folder.Path), seed: 7);
        var classifier = new ModelSetClassifier(new ModelsOptions { Path = folder.Path });
        using var factory = new ApiFactory(classifier);
        using var client = factory.CreateClient();
        var input = TestModelSets.Input(11);
        var body = "{\"mfccs\":[" + string.Join(",", input.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]}";

        var response = await client.PostAsync($"/prediction/{network.Name().ToLowerInvariant()}", ApiContractTests.Json(body));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var probabilities = PredictionRequests.Probabilities(await response.Content.ReadAsStringAsync());
        Assert.That(probabilities, Is.EqualTo(PredictDirectly(classifier, network, input)));
        Assert.That(probabilities.Sum(), Is.EqualTo(1f).Within(1e-5));
    }

    [Test]
    public async Task Predict_ManyConcurrentRequests_EachEqualsItsOwnForwardPass()
    {
        using var folder = new TempFolder();
        TestModelSets.Save(new ModelStore(folder.Path), seed: 8);
        var classifier = new ModelSetClassifier(new ModelsOptions { Path = folder.Path });
        using var factory = new ApiFactory(classifier);
        using var client = factory.CreateClient();
        var inputs = Enumerable.Range(0, 48).Select(TestModelSets.Input).ToArray();

        var bodies = await Task.WhenAll(inputs.Select(async (input, i) =>
        {
            var json = "{\"mfccs\":[" + string.Join(",", input.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]}";
            var response = await client.PostAsync(i % 2 == 0 ? "/prediction/DNN" : "/prediction/CNN", ApiContractTests.Json(json));
            return await response.Content.ReadAsStringAsync();
        }));

        for (int i = 0; i < inputs.Length; i++)
        {
            var network = i % 2 == 0 ? NetworkType.Dnn : NetworkType.Cnn;
            Assert.That(PredictionRequests.Probabilities(bodies[i]), Is.EqualTo(PredictDirectly(classifier, network, inputs[i])).Within(1e-6f), $"request {i}");
        }
    }

    [Test]
    public async Task Predict_Wav_EqualsTheModelOnTheManifestProfilesFeatures()
    {
        using var folder = new TempFolder();
        TestModelSets.Save(new ModelStore(folder.Path), seed: 9, FeatureProfile.Full);
        var classifier = new ModelSetClassifier(new ModelsOptions { Path = folder.Path });
        using var factory = new ApiFactory(classifier);
        using var client = factory.CreateClient();
        var wav = GoldenWavs.Read("speech_22050_s16.wav");
        var content = PredictionRequests.Wav(wav);

        var response = await client.PostAsync("/prediction/DNN", content);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        // The manifest says "full" (whole clip), not the contract's 2.5 s window: the Api must follow the manifest.
        var features = new FeaturePipeline(FeatureProfile.Full).ExtractMean(WavReader.Read(wav));
        Assert.That(PredictionRequests.Probabilities(await response.Content.ReadAsStringAsync()), Is.EqualTo(PredictDirectly(classifier, NetworkType.Dnn, features)));
        var compat = new FeaturePipeline(FeatureProfile.Compat).ExtractMean(WavReader.Read(wav));
        Assert.That(PredictDirectly(classifier, NetworkType.Dnn, compat), Is.Not.EqualTo(PredictDirectly(classifier, NetworkType.Dnn, features)));
    }

    [Test]
    public async Task ModelsAndConfiguration_ReportTheSavedManifest()
    {
        using var folder = new TempFolder();
        var setId = TestModelSets.Save(new ModelStore(folder.Path), seed: 10);
        using var factory = new ApiFactory(new ModelSetClassifier(new ModelsOptions { Path = folder.Path }));
        using var client = factory.CreateClient();

        using var models = JsonDocument.Parse(await client.GetStringAsync("/models"));
        var configuration = await client.GetStringAsync("/init/configuration");

        Assert.That(models.RootElement.GetProperty("modelSetId").GetString(), Is.EqualTo(setId));
        var networks = models.RootElement.GetProperty("models").EnumerateArray().ToArray();
        Assert.That(networks.Select(n => n.GetProperty("networkType").GetString()), Is.EqualTo(new[] { "CNN", "DNN", "CRNN" }));
        Assert.That(networks[0].GetProperty("featureProfile").GetProperty("name").GetString(), Is.EqualTo("compat"));
        Assert.That(networks[0].GetProperty("metrics").GetProperty("protocol").GetString(), Is.EqualTo("test protocol"));
        Assert.That(configuration, Is.EqualTo("""{"numberOfMfccs":25}"""));
    }

    [Test]
    public async Task NoModelsFolder_StaysUp_ReadinessAndPredictionSayWhy()
    {
        using var folder = new TempFolder();
        var classifier = new ModelSetClassifier(new ModelsOptions { Path = folder.Path });
        using var factory = new ApiFactory(classifier);
        using var client = factory.CreateClient();

        var ready = await client.GetAsync("/health/ready");
        var prediction = await client.PostAsync("/prediction/DNN", ApiContractTests.Json(ApiContractTests.Mfccs()));

        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(await ready.Content.ReadAsStringAsync(), Does.Contain("No trained models"));
        var problem = await ApiErrorTests.AssertProblem(prediction, HttpStatusCode.ServiceUnavailable);
        Assert.That(problem.GetProperty("detail").GetString(), Is.EqualTo(classifier.UnavailableReason));
        Assert.That((await client.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task CorruptWeights_StaysUp_PredictionSays503WithTheStoresReason()
    {
        using var folder = new TempFolder();
        var setId = TestModelSets.Save(new ModelStore(folder.Path), seed: 12);
        var weights = Path.Combine(folder.Path, setId, ModelStore.WeightsFileName(NetworkType.Cnn));
        var bytes = File.ReadAllBytes(weights);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(weights, bytes);
        var classifier = new ModelSetClassifier(new ModelsOptions { Path = folder.Path });
        using var factory = new ApiFactory(classifier);
        using var client = factory.CreateClient();

        var problem = await ApiErrorTests.AssertProblem(
            await client.PostAsync("/prediction/DNN", ApiContractTests.Json(ApiContractTests.Mfccs())), HttpStatusCode.ServiceUnavailable);

        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("corrupt"));
        Assert.That((await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
    }
}
