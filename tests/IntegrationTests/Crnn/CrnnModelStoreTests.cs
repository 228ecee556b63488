using System.Text.Json;
using System.Text.Json.Nodes;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.ModelStore;
using EmotionRecognition.IntegrationTests.Infrastructure;

namespace EmotionRecognition.IntegrationTests.Crnn;

public sealed class CrnnModelStoreTests
{
    [Test]
    public void Load_SetWithCrnn_ServesItWithItsOwnSequenceProfile()
    {
        using var folder = new TempFolder();
        var store = new ModelStore(folder.Path);
        var id = TestModelSets.Save(store, seed: 4);

        var set = store.LoadCurrent();

        Assert.That(set.Describe(NetworkType.Crnn).Profile, Is.EqualTo(FeatureProfile.Sequence));
        Assert.That(set.Describe(NetworkType.Dnn).Profile, Is.EqualTo(FeatureProfile.Compat));
        Assert.That(File.Exists(folder.Combine(id, "crnn.bin")), Is.True);
        var sequence = new FeatureMatrix(FeatureProfile.Sequence.MelBands, 50, new float[FeatureProfile.Sequence.MelBands * 50]);
        Assert.That(set.PredictSequence(NetworkType.Crnn, sequence).Sum(), Is.EqualTo(1f).Within(1e-5));
    }

    [Test]
    public void PredictSequence_WrongBandCount_IsRefusedWithBothCounts()
    {
        using var folder = new TempFolder();
        var store = new ModelStore(folder.Path);
        TestModelSets.Save(store, seed: 5);
        var set = store.LoadCurrent();

        var e = Assert.Throws<ArgumentException>(() => set.PredictSequence(NetworkType.Crnn, new FeatureMatrix(40, 20, new float[800])));

        Assert.That(e!.Message, Does.Contain("40").And.Contain($"{FeatureProfile.Sequence.MelBands}"));
    }

    [Test]
    public void Predict_MfccVectorForCrnn_IsRefused()
    {
        using var folder = new TempFolder();
        var store = new ModelStore(folder.Path);
        TestModelSets.Save(store, seed: 6);
        var set = store.LoadCurrent();

        var e = Assert.Throws<ArgumentException>(() => set.Predict(NetworkType.Crnn, [TestModelSets.Input(1)]));

        Assert.That(e!.Message, Does.Contain("audio only"));
    }

    [Test]
    public void PredictSequence_SetWithATrainingWindow_ClassifiesAShortClipRepeatedUpToIt()
    {
        using var folder = new TempFolder();
        var store = new ModelStore(folder.Path);
        TestModelSets.Save(store, seed: 8);
        var plain = store.LoadCurrent();
        SetWindow(folder, store.ReadPointer()!, 40);
        var windowed = store.LoadCurrent();
        int bands = FeatureProfile.Sequence.MelBands;
        var random = new Random(3);
        var shortClip = new FeatureMatrix(bands, 15, Enumerable.Range(0, bands * 15).Select(_ => (float)random.NextDouble()).ToArray());
        var repeated = new FeatureMatrix(bands, 40, Enumerable.Range(0, bands * 40).Select(i => shortClip[i / 40, i % 40 % 15]).ToArray());
        var longClip = new FeatureMatrix(bands, 60, Enumerable.Range(0, bands * 60).Select(_ => (float)random.NextDouble()).ToArray());

        Assert.Multiple(() =>
        {
            Assert.That(windowed.Manifest.Networks.Single(n => n.Network == "CRNN").WindowFrames, Is.EqualTo(40));
            Assert.That(windowed.PredictSequence(NetworkType.Crnn, shortClip), Is.EqualTo(plain.PredictSequence(NetworkType.Crnn, repeated)).Within(1e-6));
            Assert.That(windowed.PredictSequence(NetworkType.Crnn, shortClip), Is.Not.EqualTo(plain.PredictSequence(NetworkType.Crnn, shortClip)).Within(1e-6),
                "the set without a window classifies the bare clip");
            Assert.That(windowed.PredictSequence(NetworkType.Crnn, longClip), Is.EqualTo(plain.PredictSequence(NetworkType.Crnn, longClip)).Within(1e-6),
                "a clip longer than the window is classified whole");
        });
    }

    [TestCase(7)]
    [TestCase(ModelStore.MaxWindowFrames + 1)]
    public void Load_CrnnWithATrainingWindowOutOfRange_IsRefused(int frames)
    {
        using var folder = new TempFolder();
        var store = new ModelStore(folder.Path);
        TestModelSets.Save(store, seed: 9);
        SetWindow(folder, store.ReadPointer()!, frames);

        var e = Assert.Throws<ModelStoreException>(() => store.LoadCurrent());

        Assert.That(e!.Message, Does.Contain("CRNN").And.Contain($"{frames} frames"));
    }

    /// <summary>Writes <c>windowFrames</c> into the CRNN entry of a saved set's manifest.</summary>
    private static void SetWindow(TempFolder folder, string id, int frames)
    {
        var manifestPath = folder.Combine(id, ModelManifest.FileName);
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        foreach (var entry in manifest["networks"]!.AsArray())
        {
            if ((string?)entry!["network"] == "CRNN")
            {
                entry["windowFrames"] = frames;
            }
        }
        File.WriteAllText(manifestPath, manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    [Test]
    public void Load_CrnnEntryWithoutItsProfile_IsRefusedWithAMessageToRetrain()
    {
        using var folder = new TempFolder();
        var store = new ModelStore(folder.Path);
        var id = TestModelSets.Save(store, seed: 7);
        var manifestPath = folder.Combine(id, ModelManifest.FileName);
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        foreach (var entry in manifest["networks"]!.AsArray())
        {
            if ((string?)entry!["network"] == "CRNN")
            {
                entry["profile"] = null;
            }
        }
        File.WriteAllText(manifestPath, manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

        var e = Assert.Throws<ModelStoreException>(() => store.LoadCurrent());

        Assert.That(e!.Message, Does.Contain("CRNN").And.Contain("profile").And.Contain("Retrain"));
    }
}
