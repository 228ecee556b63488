using System.Text.Json;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.ModelStore;
using EmotionRecognition.IntegrationTests.Infrastructure;
using EmotionRecognition.Trainer.Cli;
using EmotionRecognition.Trainer.Corpus;
using EmotionRecognition.Trainer.Reports;

namespace EmotionRecognition.IntegrationTests.Crnn;

/// <summary>
/// `train` with the CRNN turned on, end to end, on real RAVDESS clips of four actors from ../shared with a tiny
/// recipe (2 folds, 2 epochs, a 2-member ensemble): the set it saves serves an ensemble with its cross-validated metrics.
/// </summary>
[TestFixture]
public sealed class TrainCrnnCliTests
{
    private const int Actors = 4;
    private TempFolder folder = null!;
    private (int Exit, string Out, string Err) trained;
    private string models = null!;

    [OneTimeSetUp]
    public async Task TrainOnce()
    {
        folder = new TempFolder("train-crnn");
        var shared = Trainer.RealAudioTests.SharedRavdess;
        foreach (var actor in Enumerable.Range(1, Actors))
        {
            var name = $"Actor_{actor:00}";
            Directory.CreateDirectory(folder.Combine("corpus", name));
            foreach (var file in Directory.GetFiles(Path.Combine(shared, name), "03-01-*.wav"))
            {
                File.Copy(file, folder.Combine("corpus", name, Path.GetFileName(file)));
            }
        }
        models = folder.Combine("models");
        var config = folder.Combine("config.ini");
        File.WriteAllText(config,
            "[data]\nsource_path = corpus\ncache_path = cache\n" +
            "[training]\nseed = 5\nepochs = 2\npatience = 2\nfolds = 2\nvalidation_actors = 1\nspeed_perturbation = none\n" +
            "[crnn]\nenabled = true\nepochs = 2\nensemble = 2\ncrop_frames = 32\n" +
            "[models]\npath = models\n");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = await new TrainerCli(stdout, stderr, interactive: false, FeatureExtractors.Mean).RunAsync(["train", "--config", config]);
        trained = (exit, stdout.ToString(), stderr.ToString());
    }

    [OneTimeTearDown]
    public void Cleanup() => folder.Dispose();

    [Test]
    public void Train_CrnnEnsemble_IsSavedWithItsArchitectureProfileAndCrossValidatedMetrics()
    {
        Assert.That(trained.Exit, Is.Zero, trained.Err + trained.Out);
        var store = new ModelStore(models);
        var set = store.LoadCurrent();
        var entry = set.Manifest.Networks.Single(n => n.Network == NetworkType.Crnn.Name());

        Assert.That(entry.Architecture, Is.EqualTo("crnn-v1x2"));
        Assert.That(entry.Profile, Is.EqualTo(FeatureProfile.Sequence));
        Assert.That(entry.Standardization, Is.Null);
        Assert.That(entry.Metrics!.Folds, Is.EqualTo(2));
        Assert.That(entry.Metrics.Pooled.Examples, Is.EqualTo(Actors * 60));
        Assert.That(entry.Training.EpochsRun, Is.EqualTo(2));
        Assert.That(trained.Out, Does.Contain("crnn-v1x2"));
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(models, set.Id, ReportWriter.JsonFile)));
        Assert.That(report.RootElement.GetProperty("crossValidation").EnumerateObject().Select(p => p.Name), Does.Contain("CRNN"));
    }

    [Test]
    public void Train_SavedEnsemble_ClassifiesAClipThroughItsOwnProfile()
    {
        Assert.That(trained.Exit, Is.Zero, trained.Err + trained.Out);
        var set = new ModelStore(models).LoadCurrent();
        var clip = Directory.GetFiles(folder.Combine("corpus", "Actor_01"), "*.wav").Order().First();
        var crnn = set.Describe(NetworkType.Crnn);

        var sequence = SequenceFeatures.Prepare(new FeaturePipeline(crnn.Profile).ExtractLogMel(WavReader.Read(File.ReadAllBytes(clip))));
        var probabilities = set.PredictSequence(NetworkType.Crnn, sequence);

        Assert.That(probabilities, Has.Length.EqualTo(Emotions.Count));
        Assert.That(probabilities.Sum(), Is.EqualTo(1f).Within(1e-5));
    }
}
