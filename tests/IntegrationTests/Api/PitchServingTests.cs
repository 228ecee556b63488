using EmotionRecognition.Trainer.Settings;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Classification;
using EmotionRecognition.Infrastructure.Configuration;
using EmotionRecognition.Infrastructure.Models;
using EmotionRecognition.Infrastructure.ModelSets;
using EmotionRecognition.IntegrationTests.Api;
using EmotionRecognition.IntegrationTests.Infrastructure;
using EmotionRecognition.Trainer.Sequence;
using Microsoft.Extensions.Configuration;
using static TorchSharp.torch;

namespace EmotionRecognition.IntegrationTests.Api;

/// <summary>
/// Pitch CRNNs as a served variant: an ensemble of pitch <see cref="EmotionCrnn"/>s saved and loaded through the store, the
/// Api classifying a WAV with it through the sequence-pitch profile, and the checks that keep profile, architecture and
/// input rows together.
/// </summary>
[TestFixture]
public sealed class PitchServingTests
{
    private static readonly string PitchEnsemble = EmotionCrnnEnsemble.ArchitectureName(EmotionCrnn.PitchArchitectureName, 3);

    private static FeatureMatrix Clip(int rows, int frames) =>
        new(rows, frames, Enumerable.Range(0, rows * frames).Select(i => (float)Math.Sin(i * 0.37)).ToArray());

    private static TrainedNetwork Crnn(string architecture, nn.Module<Tensor, Tensor> module, FeatureProfile profile) =>
        new(NetworkType.Crnn, architecture, module, null, new TrainingRun([1, 2], [3], 10, 1, 1), null, profile);

    [Test]
    public void ArchitectureName_PitchEnsemble_RoundTripsAndIsKnownOnlyAsAPitchEnsemble()
    {
        Assert.That(PitchEnsemble, Is.EqualTo("crnn-pitch-v1x3"));
        Assert.That(EmotionCrnnEnsemble.TryParseMembers(PitchEnsemble, out var members), Is.True);
        Assert.That(members, Is.EqualTo(Enumerable.Repeat(EmotionCrnn.PitchArchitectureName, 3)));
        // The crnn-v1 parser (used for plain ensembles) does not take it for one.
        Assert.That(EmotionCrnnEnsemble.TryParseArchitecture(PitchEnsemble, out int _), Is.False);
        Assert.That(NetworkArchitectures.IsKnown(NetworkType.Crnn, PitchEnsemble), Is.True);
        Assert.That(NetworkArchitectures.IsKnown(NetworkType.Crnn, EmotionCrnn.PitchArchitectureName), Is.True);
        Assert.That(NetworkArchitectures.IsKnown(NetworkType.Crnn, "crnn-pitch-v1x1"), Is.False);
        Assert.That(NetworkArchitectures.PitchRows(PitchEnsemble), Is.EqualTo(PitchFeatures.Rows));
        Assert.That(NetworkArchitectures.PitchRows(EmotionCrnnEnsemble.ArchitectureName(3)), Is.Zero);
    }

    [Test]
    public void Load_SavedPitchEnsemble_PredictsWhatItPredictedBeforeSaving()
    {
        using var folder = new TempFolder();
        var store = new ModelStore(folder.Path);
        var mels = FeatureProfile.SequencePitch.MelBands;
        var clip = Clip(mels + PitchFeatures.Rows, 70);
        manual_seed(7);
        var ensemble = EmotionCrnnEnsemble.Create(Enumerable.Repeat(EmotionCrnn.PitchArchitectureName, 3).ToArray(), mels, PitchFeatures.Rows, Emotions.Count);
        ensemble.eval();
        var before = SequenceTrainer.PredictProbabilities(ensemble, [clip])[0];

        store.Save(new ModelSetDraft(7, "0000feedface", FeatureProfile.Compat, [Crnn(ensemble.Architecture, ensemble, FeatureProfile.SequencePitch)]));
        ensemble.Dispose();
        var set = store.LoadCurrent();

        var entry = set.Manifest.Networks.Single();
        Assert.That((entry.Architecture, entry.InputSize, entry.Profile), Is.EqualTo((PitchEnsemble, mels, FeatureProfile.SequencePitch)));
        Assert.That(set.Describe(NetworkType.Crnn).Profile, Is.EqualTo(FeatureProfile.SequencePitch));
        Assert.That(set.ClassifySequence(NetworkType.Crnn, clip), Is.EqualTo(before).Within(1e-6));
    }

    [TestCase(new[] { "crnn-pitch-v1", "crnn-pitch-v1", "crnn-v1", "crnn-v1", "crnn-v1" }, "crnn-pitch-v1x2+crnn-v1x3")]
    [TestCase(new[] { "crnn-v1", "crnn-pitch-v1" }, "crnn-v1x1+crnn-pitch-v1x1")]
    [TestCase(new[] { "crnn-pitch-v1", "crnn-v1", "crnn-pitch-v1" }, "crnn-pitch-v1x1+crnn-v1x1+crnn-pitch-v1x1")]
    public void ArchitectureName_MixedEnsemble_NamesEachRunOfMembersAndParsesBack(string[] members, string name)
    {
        Assert.That(EmotionCrnnEnsemble.ArchitectureName(members), Is.EqualTo(name));
        Assert.That(EmotionCrnnEnsemble.TryParseMembers(name, out var parsed), Is.True);
        Assert.That(parsed, Is.EqualTo(members));
        Assert.That(NetworkArchitectures.IsKnown(NetworkType.Crnn, name), Is.True);
        Assert.That(NetworkArchitectures.PitchRows(name), Is.EqualTo(PitchFeatures.Rows), "any pitch member makes the input sequence-pitch");
        Assert.That(EmotionCrnnEnsemble.TryParseArchitecture(name, out int _), Is.False, "not a plain crnn-v1 ensemble");
    }

    [TestCase("crnn-v1x1+crnn-v1x1")]
    [TestCase("crnn-pitch-v1x2+crnn-pitch-v1x1")]
    [TestCase("crnn-pitch-v1x1")]
    [TestCase("crnn-pitch-v1x9+crnn-v1x8")]
    [TestCase("crnn-pitch-v1x2+")]
    [TestCase("crnn-pitch-v1x0+crnn-v1x2")]
    public void TryParseMembers_NonCanonicalOrOutOfRangeNames_AreRefused(string name)
    {
        Assert.That(EmotionCrnnEnsemble.TryParseMembers(name, out _), Is.False);
        Assert.That(NetworkArchitectures.IsKnown(NetworkType.Crnn, name), Is.False);
    }

    [Test]
    public void Forward_MixedEnsemble_IsTheMeanOfPitchMembersOnAllRowsAndPlainMembersOnTheMelRows()
    {
        var mels = FeatureProfile.SequencePitch.MelBands;
        var clip = Clip(mels + PitchFeatures.Rows, 50);
        manual_seed(5);
        var pitch = new EmotionCrnn(mels, Emotions.Count, pitchRows: PitchFeatures.Rows);
        var plain = new EmotionCrnn(mels, Emotions.Count);
        var pitchAlone = SequenceTrainer.PredictProbabilities(pitch, [clip])[0];
        var melRowsOnly = new FeatureMatrix(mels, clip.Frames, clip.Values[..(mels * clip.Frames)].ToArray());
        var plainAlone = SequenceTrainer.PredictProbabilities(plain, [melRowsOnly])[0];

        using var ensemble = new EmotionCrnnEnsemble([pitch, plain]);
        var together = SequenceTrainer.PredictProbabilities(ensemble, [clip])[0];

        Assert.That(ensemble.Architecture, Is.EqualTo("crnn-pitch-v1x1+crnn-v1x1"));
        Assert.That(together, Is.EqualTo(pitchAlone.Zip(plainAlone, (a, b) => (a + b) / 2)).Within(1e-5));
    }

    [Test]
    public void Load_SavedMixedEnsemble_PredictsWhatItPredictedBeforeSaving()
    {
        using var folder = new TempFolder();
        var store = new ModelStore(folder.Path);
        var mels = FeatureProfile.SequencePitch.MelBands;
        var clip = Clip(mels + PitchFeatures.Rows, 64);
        manual_seed(8);
        var ensemble = EmotionCrnnEnsemble.Create(["crnn-pitch-v1", "crnn-pitch-v1", "crnn-v1"], mels, PitchFeatures.Rows, Emotions.Count);
        ensemble.eval();
        var before = SequenceTrainer.PredictProbabilities(ensemble, [clip])[0];

        store.Save(new ModelSetDraft(8, "0000feedface", FeatureProfile.Compat, [Crnn(ensemble.Architecture, ensemble, FeatureProfile.SequencePitch)]));
        ensemble.Dispose();
        var set = store.LoadCurrent();

        Assert.That(set.Manifest.Networks.Single().Architecture, Is.EqualTo("crnn-pitch-v1x2+crnn-v1x1"));
        Assert.That(set.ClassifySequence(NetworkType.Crnn, clip), Is.EqualTo(before).Within(1e-6));
    }

    [Test]
    public void PredictSequence_PitchNetworkGivenMelBandsOnly_IsRefusedNamingTheRowsItTakes()
    {
        using var folder = new TempFolder();
        var store = new ModelStore(folder.Path);
        TestModelSets.Save(store, seed: 3, crnnArchitecture: EmotionCrnn.PitchArchitectureName, crnnProfile: FeatureProfile.SequencePitch);
        var set = store.LoadCurrent();

        var e = Assert.Throws<ArgumentException>(() => set.ClassifySequence(NetworkType.Crnn, Clip(FeatureProfile.SequencePitch.MelBands, 40)));

        Assert.That(e!.Message, Does.Contain("67").And.Contain("pitch rows").And.Contain("sequence-pitch"));
    }

    [TestCase("crnn-pitch-v1", "sequence")]
    [TestCase("crnn-pitch-v1x2", "sequence")]
    [TestCase("crnn-v1", "sequence-pitch")]
    [TestCase("crnn-v1x2", "sequence-pitch")]
    public void Load_ArchitectureAndProfileDisagreeOnPitchRows_IsRefusedNamingBoth(string architecture, string profileName)
    {
        using var folder = new TempFolder();
        var store = new ModelStore(folder.Path);
        FeatureProfile.TryGet(profileName, out var profile);
        TestModelSets.Save(store, seed: 4, crnnArchitecture: architecture, crnnProfile: profile);

        var e = Assert.Throws<ModelStoreException>(() => store.LoadCurrent());

        Assert.That(e!.Message, Does.Contain(architecture).And.Contain($"'{profileName}'").And.Contain("pitch rows"));
    }

    [Test]
    public async Task Api_AudioForAPitchCrnnSet_ClassifiesThroughTheSequencePitchProfile()
    {
        using var folder = new TempFolder();
        TestModelSets.Save(new ModelStore(folder.Path), seed: 22, crnnArchitecture: "crnn-pitch-v1x2", crnnProfile: FeatureProfile.SequencePitch);
        var classifier = new ModelSetClassifier(new ModelsOptions { Path = folder.Path });
        using var factory = new ApiFactory(classifier);
        using var client = factory.CreateClient();
        var wav = GoldenWavs.Read("speech_22050_s16.wav");
        var content = PredictionRequests.Wav(wav);

        var response = await client.PostAsync("/prediction/CRNN", content);

        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        var probabilities = PredictionRequests.Probabilities(text);
        var expected = classifier.Current.ClassifySequence(NetworkType.Crnn,
            new FeaturePipeline(FeatureProfile.SequencePitch).ExtractSequence(WavReader.Read(wav)));
        Assert.That(probabilities, Is.EqualTo(expected));
        Assert.That(probabilities.Sum(), Is.EqualTo(1f).Within(1e-5));
    }

    [Test]
    public void WorkerJson_PitchOptions_RoundTripWithTheirRowsAndAugmentation()
    {
        var options = SequenceTrainingOptions.OneNetwork.WithPitchRows();

        var read = JsonSerializer.Deserialize<SequenceTrainingOptions>(JsonSerializer.Serialize(options, WorkerProcessJobRunner.Json), WorkerProcessJobRunner.Json)!;

        Assert.That(read.PitchRows, Is.EqualTo(PitchFeatures.Rows));
        Assert.That(read.Augmentation, Is.EqualTo(options.Augmentation));
        using var network = read.CreateNetwork(FeatureProfile.SequencePitch.MelBands + PitchFeatures.Rows, Emotions.Count);
        Assert.That(network.Architecture, Is.EqualTo(EmotionCrnn.PitchArchitectureName));
    }
}
