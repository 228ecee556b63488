using System.Text.Json.Nodes;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.ModelSets;

namespace EmotionRecognition.IntegrationTests.Infrastructure;

[TestFixture]
public sealed class ModelStoreTests
{
    [Test]
    public void Save_ThenLoadCurrent_ServesTheSavedSetWithItsManifest()
    {
        using var folder = new TempFolder();
        var store = new ModelStore(folder.Path);

        var id = TestModelSets.Save(store, seed: 1);
        var set = store.LoadCurrent();

        Assert.That(store.ReadPointer(), Is.EqualTo(id));
        Assert.That(set.Id, Is.EqualTo(id));
        Assert.That(set.Manifest.Labels, Is.EqualTo(Emotions.AllLabels));
        Assert.That(set.Manifest.Profile, Is.EqualTo(FeatureProfile.Compat));
        Assert.That(set.Models.Select(m => m.Network), Is.EqualTo(NetworkTypes.All));
        Assert.That(set.Describe(NetworkType.Dnn).Metrics!.Accuracy, Is.EqualTo(2.0 / 3).Within(1e-12));
        Assert.That(File.Exists(folder.Combine(id, "cnn.bin")) && File.Exists(folder.Combine(id, "dnn.bin")), Is.True);
    }

    [Test]
    public void Save_CrashBeforePointerSwap_LeavesPreviousSetServed()
    {
        using var folder = new TempFolder();
        var store = new ModelStore(folder.Path);
        var first = TestModelSets.Save(store, seed: 1);
        var before = store.LoadCurrent().ClassifyMany(NetworkType.Cnn, [TestModelSets.Input(5)])[0];

        Assert.Throws<IOException>(() => TestModelSets.Save(store, seed: 2, beforePointerSwap: _ => throw new IOException("simulated crash")));

        Assert.That(store.ReadPointer(), Is.EqualTo(first));
        var after = store.LoadCurrent().ClassifyMany(NetworkType.Cnn, [TestModelSets.Input(5)])[0];
        Assert.That(after, Is.EqualTo(before));
    }

    [Test]
    public void Save_AfterCrashedSave_PublishesAndCleansUp()
    {
        using var folder = new TempFolder();
        var store = new ModelStore(folder.Path);
        TestModelSets.Save(store, seed: 1);
        Assert.Throws<IOException>(() => TestModelSets.Save(store, seed: 2, beforePointerSwap: _ => throw new IOException("simulated crash")));

        var third = TestModelSets.Save(store, seed: 3);

        Assert.That(store.LoadCurrent().Id, Is.EqualTo(third));
        // The crashed set never became current, so only the previous current and the new one remain.
        Assert.That(Directory.GetDirectories(folder.Path), Has.Length.EqualTo(2));
    }

    [Test]
    public void Save_ThreeTimes_KeepsCurrentAndPreviousOnly()
    {
        using var folder = new TempFolder();
        var store = new ModelStore(folder.Path);
        var ids = Enumerable.Range(1, 3).Select(seed => TestModelSets.Save(store, seed)).ToArray();

        var left = Directory.GetDirectories(folder.Path).Select(Path.GetFileName).Order().ToArray();

        Assert.That(ids.Distinct().Count(), Is.EqualTo(3));
        Assert.That(left, Is.EqualTo(new[] { ids[1], ids[2] }.Order().ToArray()));
        Assert.That(File.Exists(folder.Combine("current.tmp")), Is.False);
    }

    [Test]
    public void Load_WeightsTampered_RefusesWithHashMismatch()
    {
        using var folder = new TempFolder();
        var store = new ModelStore(folder.Path);
        var id = TestModelSets.Save(store, seed: 1);
        var weights = folder.Combine(id, "dnn.bin");
        var bytes = File.ReadAllBytes(weights);
        bytes[^1] ^= 0x40;
        File.WriteAllBytes(weights, bytes);

        var e = Assert.Throws<ModelStoreException>(() => store.LoadCurrent());

        Assert.That(e!.Message, Does.Contain("dnn.bin is corrupt").And.Contain("SHA-256"));
    }

    [Test]
    public void Load_OtherFeatureVersion_RefusesAndSaysRetrain()
    {
        using var folder = new TempFolder();
        var store = new ModelStore(folder.Path);
        var id = TestModelSets.Save(store, seed: 1, FeatureProfile.Compat with { Version = FeatureProfile.CurrentVersion + 1 });

        var e = Assert.Throws<ModelStoreException>(() => store.LoadCurrent());

        Assert.That(e!.Message, Does.Contain($"feature profile version {FeatureProfile.CurrentVersion + 1}").And.Contain("Retrain"));
        Assert.That(store.ReadPointer(), Is.EqualTo(id));
    }

    [TestCase("labels", "Retrain")]
    [TestCase("architecture", "cannot run")]
    [TestCase("sha256", "is corrupt")]
    [TestCase("mean", "no valid standardisation")]
    public void Load_ManifestEdited_RefusesWithClearMessage(string field, string expected)
    {
        using var folder = new TempFolder();
        var store = new ModelStore(folder.Path);
        var id = TestModelSets.Save(store, seed: 1);
        var path = folder.Combine(id, ModelManifest.FileName);
        var manifest = JsonNode.Parse(File.ReadAllText(path))!;
        var cnn = manifest["networks"]![0]!;
        switch (field)
        {
            case "labels":
                manifest["labels"] = new JsonArray(Emotions.AllLabels.Reverse().Select(l => (JsonNode)JsonValue.Create(l)!).ToArray());
                break;
            case "architecture":
                cnn["architecture"] = "cnn-v0";
                break;
            case "sha256":
                cnn["sha256"] = new string('0', 64);
                break;
            case "mean":
                cnn["standardization"]!["mean"] = new JsonArray(1, 2, 3);
                break;
        }
        File.WriteAllText(path, manifest.ToJsonString());

        var e = Assert.Throws<ModelStoreException>(() => store.LoadCurrent());

        Assert.That(e!.Message, Does.Contain(expected));
    }

    [Test]
    public void LoadCurrent_EmptyFolder_SaysHowToTrain()
    {
        using var folder = new TempFolder();

        var e = Assert.Throws<ModelStoreException>(() => new ModelStore(folder.Path).LoadCurrent());

        Assert.That(e!.Message, Does.Contain("No trained models").And.Contain("dotnet run --project src/Trainer"));
    }

    [Test]
    public void LoadCurrent_PointerEscapingTheFolder_Refused()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.Combine(ModelStore.PointerFile), "../elsewhere\n");

        var e = Assert.Throws<ModelStoreException>(() => new ModelStore(folder.Path).LoadCurrent());

        Assert.That(e!.Message, Does.Contain("does not name a model set folder"));
    }
}
