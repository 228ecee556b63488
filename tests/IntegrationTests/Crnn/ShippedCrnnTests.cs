using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.ModelStore;
using EmotionRecognition.IntegrationTests.Trainer;

namespace EmotionRecognition.IntegrationTests.Crnn;

/// <summary>The committed models/ set serves the CRNN with its own sequence profile and its cross-validated metrics.</summary>
[TestFixture]
public sealed class ShippedCrnnTests
{
    [Test]
    public void ShippedModels_CrnnClassifiesAClipWithItsSequenceProfile()
    {
        var set = new ModelStore(Path.Combine(Native.TorchSharpLoadingTests.RepositoryRoot(), "models")).LoadCurrent();

        var crnn = set.Describe(NetworkType.Crnn);
        var sequence = SequenceFeatures.Prepare(new FeaturePipeline(crnn.Profile).ExtractLogMel(WavReader.Read(TestWav.Tone(200))));
        var probabilities = set.PredictSequence(NetworkType.Crnn, sequence);

        Assert.That(crnn.Profile, Is.EqualTo(FeatureProfile.Sequence));
        Assert.That(probabilities.Sum(), Is.EqualTo(1f).Within(1e-5));
        Assert.That(crnn.Metrics!.Protocol, Does.Contain("by actor"));
        Assert.That(crnn.Metrics.Folds, Is.EqualTo(5));
        Assert.That(crnn.Metrics.Accuracy, Is.GreaterThan(set.Describe(NetworkType.Dnn).Metrics!.Accuracy),
            "the sequence network beats the averaged-MFCC networks on unseen speakers");
    }
}
