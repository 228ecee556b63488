using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.ModelSets;

namespace EmotionRecognition.IntegrationTests.Trainer;

/// <summary>The committed models/ folder is a complete, verified set this build can serve.</summary>
[TestFixture]
public sealed class ShippedModelsTests
{
    private static string RepositoryRoot => Native.TorchSharpLoadingTests.RepositoryRoot();

    [Test]
    public void ShippedModels_LoadVerifiedAndClassifyATone()
    {
        var store = new ModelStore(Path.Combine(RepositoryRoot, "models"));

        var set = store.LoadCurrent();

        Assert.That(set.Manifest.Profile, Is.EqualTo(FeatureProfile.Compat), "the Api's contract is the compat vector");
        Assert.That(set.Models.Select(m => m.Network), Is.EqualTo(NetworkTypes.All));
        foreach (var model in set.Models)
        {
            Assert.That(model.Metrics, Is.Not.Null);
            Assert.That(model.Metrics!.Protocol, Does.Contain("by actor"));
            Assert.That(model.Metrics.Accuracy, Is.GreaterThan(1.0 / 8), "better than chance on unseen speakers");
        }
        var features = new FeaturePipeline(set.Manifest.Profile).ExtractMean(TestWav.Tone(200));
        Assert.That(set.ClassifyMany(NetworkType.Cnn, [features])[0].Sum(), Is.EqualTo(1f).Within(1e-5));
    }

    [Test]
    public void ShippedModels_CarryTheirReports()
    {
        var store = new ModelStore(Path.Combine(RepositoryRoot, "models"));
        var folder = Path.Combine(store.Root, store.ReadPointer()!);

        foreach (var file in new[] { "report.md", "report.json", "confusion-cnn.png", "confusion-dnn.png" })
        {
            Assert.That(File.Exists(Path.Combine(folder, file)), Is.True, file);
        }
        Assert.That(File.ReadAllText(Path.Combine(folder, "report.md")), Does.Contain("cross-validation by actor"));
    }
}
