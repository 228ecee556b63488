using System.Text.Json;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.ModelSets;
using EmotionRecognition.IntegrationTests.Infrastructure;
using EmotionRecognition.Trainer.Cli;
using EmotionRecognition.Trainer.Corpus;
using EmotionRecognition.Trainer.Reports;

namespace EmotionRecognition.IntegrationTests.Trainer;

/// <summary>
/// `train` with the CRNN turned on, end to end, on real RAVDESS clips of four actors from ../shared with a tiny
/// recipe (2 folds, a 2-member ensemble of 2 and 3 epochs): the set it saves serves an ensemble with its cross-validated metrics,
/// and training its networks in two worker processes gives the very weights one process gives.
/// </summary>
[TestFixture]
public sealed class TrainCrnnCliTests
{
    private const int Actors = 4;
    private TempFolder folder = null!;
    private (int Exit, string Out, string Err) trained;
    private (int Exit, string Out, string Err) inProcess;
    private string models = null!;

    [OneTimeSetUp]
    public async Task TrainOnce()
    {
        folder = new TempFolder("train-crnn");
        RealCorpus.CopySpeech(folder, Actors);
        models = folder.Combine("models");
        trained = await Train(workers: 2, "models");
        inProcess = await Train(workers: 1, "models-in-process");
    }

    private async Task<(int Exit, string Out, string Err)> Train(int workers, string modelsFolder)
    {
        var config = folder.Combine($"config-{workers}.ini");
        File.WriteAllText(config,
            "[data]\nsource_path = corpus\ncache_path = cache\n" +
            $"[training]\nseed = 5\nepochs = 2\npatience = 2\nfolds = 2\nvalidation_actors = 1\nspeed_perturbation = none\ncondition_copies = 0\nbenchmark_conditions = false\nworkers = {workers}\n" +
            "[crnn]\nepochs = 2\nensemble = 1, 1x3\ncrop_frames = 32\n" +
            $"[models]\npath = {modelsFolder}\n");
        return await RealCorpus.Train(config);
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
        Assert.That(entry.Metrics.Protocol, Does.Contain("no epoch is chosen"));
        Assert.That(entry.Functionals, Is.Null, "a recipe without pitch networks mixes no functionals");
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

        var sequence = SequenceFeatures.Prepare(new FeaturePipeline(crnn.Profile).ExtractLogMel(WavReader.Read(File.ReadAllBytes(clip))), crnn.Profile.FloorDb);
        var probabilities = set.ClassifySequence(NetworkType.Crnn, sequence);

        Assert.That(probabilities, Has.Length.EqualTo(Emotions.Count));
        Assert.That(probabilities.Sum(), Is.EqualTo(1f).Within(1e-5));
    }

    [Test]
    public void Train_TwoWorkerProcesses_SaveTheSameCrnnAndMetricsAsOneProcess()
    {
        Assert.That(trained.Exit, Is.Zero, trained.Err + trained.Out);
        Assert.That(inProcess.Exit, Is.Zero, inProcess.Err + inProcess.Out);
        var parallel = new ModelStore(models);
        var sequential = new ModelStore(folder.Combine("models-in-process"));
        var parallelId = parallel.ReadPointer()!;
        var sequentialId = sequential.ReadPointer()!;

        Assert.That(File.ReadAllBytes(Path.Combine(parallel.Root, parallelId, "crnn.bin")),
            Is.EqualTo(File.ReadAllBytes(Path.Combine(sequential.Root, sequentialId, "crnn.bin"))));
        var metrics = (ModelStore store, string id) => JsonSerializer.Serialize(store.ReadManifest(id).Networks.Single(n => n.Network == "CRNN").Metrics);
        Assert.That(metrics(parallel, parallelId), Is.EqualTo(metrics(sequential, sequentialId)));
    }
}
