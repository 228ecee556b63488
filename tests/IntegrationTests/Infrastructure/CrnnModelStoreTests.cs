using System.Text.Json;
using System.Text.Json.Nodes;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.ModelSets;
using EmotionRecognition.IntegrationTests.Infrastructure;

namespace EmotionRecognition.IntegrationTests.Infrastructure;

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
        Assert.That(set.ClassifySequence(NetworkType.Crnn, sequence).Sum(), Is.EqualTo(1f).Within(1e-5));
    }

    [Test]
    public void PredictSequence_WrongBandCount_IsRefusedWithBothCounts()
    {
        using var folder = new TempFolder();
        var store = new ModelStore(folder.Path);
        TestModelSets.Save(store, seed: 5);
        var set = store.LoadCurrent();

        var e = Assert.Throws<ArgumentException>(() => set.ClassifySequence(NetworkType.Crnn, new FeatureMatrix(40, 20, new float[800])));

        Assert.That(e!.Message, Does.Contain("40").And.Contain($"{FeatureProfile.Sequence.MelBands}"));
    }

    [Test]
    public void Predict_MfccVectorForCrnn_IsRefused()
    {
        using var folder = new TempFolder();
        var store = new ModelStore(folder.Path);
        TestModelSets.Save(store, seed: 6);
        var set = store.LoadCurrent();

        var e = Assert.Throws<ArgumentException>(() => set.ClassifyMany(NetworkType.Crnn, [TestModelSets.Input(1)]));

        Assert.That(e!.Message, Does.Contain("audio only"));
    }

    [TestCase("windowFrames", "96")]
    [TestCase("melShifts", "[-1, 0, 1]")]
    public void Load_CrnnEvaluatedWithARemovedTestTimeReading_IsRefusedWithAMessageToRetrain(string key, string value)
    {
        using var folder = new TempFolder();
        var store = new ModelStore(folder.Path);
        TestModelSets.Save(store, seed: 9);
        SetEntry(folder, store.ReadPointer()!, key, JsonNode.Parse(value)!);

        var e = Assert.Throws<ModelStoreException>(() => store.LoadCurrent());

        Assert.That(e!.Message, Does.Contain("CRNN").And.Contain(key).And.Contain("Retrain"));
    }

    [Test]
    public void Load_CrnnListingRemovedReadingsAsNull_AnswersAsWithoutThem()
    {
        using var folder = new TempFolder();
        var store = new ModelStore(folder.Path);
        TestModelSets.Save(store, seed: 8);
        var id = store.ReadPointer()!;
        var plain = store.LoadCurrent();
        int bands = FeatureProfile.Sequence.MelBands;
        var random = new Random(3);
        var clip = new FeatureMatrix(bands, 15, Enumerable.Range(0, bands * 15).Select(_ => (float)random.NextDouble()).ToArray());
        var expected = plain.ClassifySequence(NetworkType.Crnn, clip);
        SetEntry(folder, id, "windowFrames", null);
        SetEntry(folder, id, "melShifts", null);

        Assert.That(store.LoadCurrent().ClassifySequence(NetworkType.Crnn, clip), Is.EqualTo(expected));
    }

    /// <summary>Writes <paramref name="key"/> into the CRNN entry of a saved set's manifest.</summary>
    private static void SetEntry(TempFolder folder, string id, string key, JsonNode? value)
    {
        var manifestPath = folder.Combine(id, ModelManifest.FileName);
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        foreach (var entry in manifest["networks"]!.AsArray())
        {
            if ((string?)entry!["network"] == "CRNN")
            {
                entry[key] = value?.DeepClone();
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
