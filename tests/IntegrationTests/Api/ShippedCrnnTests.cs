using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.ModelSets;
using EmotionRecognition.IntegrationTests.Trainer;

namespace EmotionRecognition.IntegrationTests.Api;

/// <summary>The committed models/ set serves the CRNN with its own sequence profile and its cross-validated metrics.</summary>
[TestFixture]
public sealed class ShippedCrnnTests
{
    [Test]
    public void ShippedModels_CrnnClassifiesAClipWithItsSequenceProfile()
    {
        var set = new ModelStore(Path.Combine(Native.TorchSharpLoadingTests.RepositoryRoot(), "models")).LoadCurrent();

        var crnn = set.Describe(NetworkType.Crnn);
        var speech = new FeaturePipeline(crnn.Profile).ExtractSpeech(WavReader.Read(TestWav.Tone(200)));
        var sequence = speech.Sequence;
        var probabilities = set.ClassifySequence(NetworkType.Crnn, sequence, speech.Functionals);

        // The shipped mixed ensemble (pitch and log-mel networks) reads the log-mel with pitch rows, under the level floor.
        Assert.That(crnn.Profile, Is.EqualTo(FeatureProfile.SequencePitch));
        Assert.That(sequence.Rows, Is.EqualTo(FeatureProfile.SequencePitch.MelBands + FeatureProfile.SequencePitch.PitchRows));
        Assert.That(probabilities.Sum(), Is.EqualTo(1f).Within(1e-5));
        Assert.That(crnn.Metrics!.Protocol, Does.Contain("by actor"));
        Assert.That(crnn.Metrics.Folds, Is.EqualTo(5));
        Assert.That(crnn.Metrics.Accuracy, Is.GreaterThan(set.Describe(NetworkType.Dnn).Metrics!.Accuracy),
            "the sequence network beats the averaged-MFCC networks on unseen speakers");
        Assert.That(crnn.Metrics.Protocol, Does.Contain("no epoch is chosen"), "weight-averaged networks: nothing chosen on any actor");
        // Served with the functionals model it was evaluated with, which needs the clip's functionals.
        var functionals = set.Manifest.Networks.Single(n => n.Network == NetworkType.Crnn.Name()).Functionals;
        Assert.That(functionals, Is.Not.Null);
        Assert.That(functionals!.Problem(Emotions.Count, crnn.Profile.MelBands), Is.Null);
        Assert.That(crnn.Metrics.Protocol, Does.Contain($"mixed {1 - functionals.Weight:0.##} : {functionals.Weight:0.##}"));
        Assert.Throws<ArgumentException>(() => set.ClassifySequence(NetworkType.Crnn, sequence));
    }
}
