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
            Assert.That(windowed.ClassifySequence(NetworkType.Crnn, shortClip), Is.EqualTo(plain.ClassifySequence(NetworkType.Crnn, repeated)).Within(1e-6));
            Assert.That(windowed.ClassifySequence(NetworkType.Crnn, shortClip), Is.Not.EqualTo(plain.ClassifySequence(NetworkType.Crnn, shortClip)).Within(1e-6),
                "the set without a window classifies the bare clip");
            Assert.That(windowed.ClassifySequence(NetworkType.Crnn, longClip), Is.EqualTo(plain.ClassifySequence(NetworkType.Crnn, longClip)).Within(1e-6),
                "a clip longer than the window is classified whole");
        });
    }

    [Test]
    public void PredictSequence_SetWithMelShifts_GivesTheMeanOverTheShiftedClips()
    {
        using var folder = new TempFolder();
        var store = new ModelStore(folder.Path);
        TestModelSets.Save(store, seed: 10);
        var id = store.ReadPointer()!;
        var plain = store.LoadCurrent();
        SetEntry(folder, id, "melShifts", new JsonArray(-1.5, 0, 2));
        var shifted = store.LoadCurrent();
        int bands = FeatureProfile.Sequence.MelBands;
        var random = new Random(5);
        var clip = new FeatureMatrix(bands, 30, Enumerable.Range(0, bands * 30).Select(_ => (float)random.NextDouble()).ToArray());

        var expected = new[] { -1.5, 0, 2 }.Select(s => plain.ClassifySequence(NetworkType.Crnn, Shift(clip, s))).ToArray();
        var actual = shifted.ClassifySequence(NetworkType.Crnn, clip);

        Assert.That(actual, Is.EqualTo(Enumerable.Range(0, actual.Length).Select(c => expected.Average(p => p[c])).ToArray()).Within(1e-5));
    }

    [TestCase("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]")]
    [TestCase("[0, 8.5]")]
    public void Load_CrnnWithMelShiftsOutOfRange_IsRefused(string shifts)
    {
        using var folder = new TempFolder();
        var store = new ModelStore(folder.Path);
        TestModelSets.Save(store, seed: 11);
        SetEntry(folder, store.ReadPointer()!, "melShifts", JsonNode.Parse(shifts)!);

        var e = Assert.Throws<ModelStoreException>(() => store.LoadCurrent());

        Assert.That(e!.Message, Does.Contain("CRNN").And.Contain("mel shifts"));
    }

    /// <summary>The clip with its rows moved up by <paramref name="shift"/> bands (linear interpolation, edges clamped).</summary>
    private static FeatureMatrix Shift(FeatureMatrix clip, double shift)
    {
        int bands = clip.Coefficients;
        var values = new float[bands * clip.Frames];
        for (int m = 0; m < bands; m++)
        {
            double band = Math.Clamp(m + shift, 0, bands - 1);
            int low = (int)Math.Floor(band);
            int high = Math.Min(low + 1, bands - 1);
            double w = band - low;
            for (int t = 0; t < clip.Frames; t++)
            {
                values[m * clip.Frames + t] = (float)(clip[low, t] * (1 - w) + clip[high, t] * w);
            }
        }
        return new FeatureMatrix(bands, clip.Frames, values);
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

    private static void SetWindow(TempFolder folder, string id, int frames) => SetEntry(folder, id, "windowFrames", frames);

    /// <summary>Writes <paramref name="key"/> into the CRNN entry of a saved set's manifest.</summary>
    private static void SetEntry(TempFolder folder, string id, string key, JsonNode value)
    {
        var manifestPath = folder.Combine(id, ModelManifest.FileName);
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        foreach (var entry in manifest["networks"]!.AsArray())
        {
            if ((string?)entry!["network"] == "CRNN")
            {
                entry[key] = value.DeepClone();
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
