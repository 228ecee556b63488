using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Application.UseCases;
using EmotionRecognition.Domain;

namespace EmotionRecognition.UnitTests.UseCases;

[TestFixture]
public sealed class HandlerTests
{
    private static float[] Vector(params float[] head) => [.. head, .. new float[FeatureProfile.ContractMfccCount - head.Length]];

    private static PredictEmotionHandler PredictHandler(IEmotionClassifier classifier, int maxInferenceBatch = 1)
    {
        var metrics = new PredictionMetrics();
        return new PredictEmotionHandler(classifier, metrics);
    }

    [Test]
    public async Task PredictEmotion_25Mfccs_Returns8EmotionsInLabelOrder()
    {
        var input = Vector(1, 2, 3, 4, 5, 6, 7, 8);
        var handler = PredictHandler(new FakeEmotionClassifier(new FakeModelSet()));

        var predictions = await handler.Handle(new PredictEmotion(NetworkName.Parse("dnn"), input), CancellationToken.None);

        Assert.That(predictions.Select(p => p.Emotion), Is.EqualTo(Emotions.InLabelOrder));
        Assert.That(predictions.Select(p => p.Probability), Is.EqualTo(FakeModelSet.Softmax(input)));
        Assert.That(predictions.Sum(p => p.Probability), Is.EqualTo(1f).Within(1e-5));
    }

    [Test]
    public async Task PredictEmotion_NoModelsLoaded_ThrowsModelsUnavailableWithTheReason()
    {
        var handler = PredictHandler(new FakeEmotionClassifier(null, "models/manifest.json is missing"));

        var error = await Assert.ThrowsAsync<ModelsUnavailableException>(async () => await handler.Handle(new PredictEmotion(NetworkName.Parse("CNN"), Vector()), CancellationToken.None));

        Assert.That(error!.Message, Is.EqualTo("models/manifest.json is missing"));
    }

    [Test]
    public async Task PredictEmotion_NetworkMissingFromSet_ThrowsNetworkNotAvailable()
    {
        var handler = PredictHandler(new FakeEmotionClassifier(new FakeModelSet("dnn-only", NetworkType.Dnn)), maxInferenceBatch: 8);

        await Assert.ThrowsAsync<NetworkNotAvailableException>(async () => await handler.Handle(new PredictEmotion(NetworkName.Parse("CNN"), Vector()), CancellationToken.None));
    }

    [Test]
    public async Task PredictBatch_ThreeItems_OneForwardPassAnswersInInputOrder()
    {
        var models = new FakeModelSet();
        var handler = new PredictBatchHandler(new FakeEmotionClassifier(models), new PredictionMetrics());
        float[][] items = [Vector(3), Vector(0, 3), Vector(0, 0, 3)];

        var results = await handler.Handle(new PredictBatch(NetworkName.Parse("CNN"), items), CancellationToken.None);

        Assert.That(models.ForwardPassSizes, Is.EqualTo(new[] { 3 }));
        Assert.That(results.Select(r => r.MaxBy(p => p.Probability)!.Emotion), Is.EqualTo(new[] { Emotion.Angry, Emotion.Calm, Emotion.Disgust }));
    }

    [Test]
    public async Task GetConfiguration_ModelsLoaded_ReturnsTheServedProfile()
    {
        var handler = new GetConfigurationHandler(new FakeEmotionClassifier(new FakeModelSet()));

        var profile = await handler.Handle(new GetConfiguration(), CancellationToken.None);

        Assert.That(profile, Is.EqualTo(FeatureProfile.Compat));
        Assert.That(profile.CoefficientCount, Is.EqualTo(25));
    }

    [Test]
    public async Task GetConfiguration_NoModelsLoaded_ThrowsModelsUnavailable()
    {
        var handler = new GetConfigurationHandler(new FakeEmotionClassifier(null, "corrupt weights"));

        await Assert.ThrowsAsync<ModelsUnavailableException>(async () => await handler.Handle(new GetConfiguration(), CancellationToken.None));
    }

    [Test]
    public async Task ListModels_ModelsLoaded_ReturnsSetIdAndEveryNetwork()
    {
        var handler = new ListModelsHandler(new FakeEmotionClassifier(new FakeModelSet("set-42")));

        var catalog = await handler.Handle(new ListModels(), CancellationToken.None);

        Assert.That(catalog.ModelSetId, Is.EqualTo("set-42"));
        Assert.That(catalog.Models.Select(m => m.Network), Is.EqualTo(NetworkTypes.All));
    }
}
