using System.Text.Json;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.ModelSets;
using EmotionRecognition.IntegrationTests.Infrastructure;
using EmotionRecognition.Trainer.Cli;
using EmotionRecognition.Trainer.Reports;

namespace EmotionRecognition.IntegrationTests.Trainer;

/// <summary>
/// The CLI run in-process on a small synthetic corpus (6 actors, one corrupt clip, one stray name).
/// Training happens once for the fixture with tiny settings.
/// </summary>
[TestFixture]
public sealed class TrainerCliTests
{
    private TempFolder folder = null!;
    private string config = null!;
    private string corpus = null!;
    private string models = null!;
    private (int Exit, string Out, string Err) trained;
    private string trainedSetId = null!;

    private static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = await new TrainerCli(stdout, stderr, interactive: false, (_, speed) => bytes => Synthetic.ExtractAt(bytes, speed)).RunAsync(args);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [OneTimeSetUp]
    public async Task TrainOnce()
    {
        folder = new TempFolder("trainer-cli");
        corpus = folder.Combine("corpus");
        models = folder.Combine("models");
        Synthetic.WriteCorpus(corpus, Synthetic.Clips(actors: 6, clipsPerEmotion: 4, seed: 21));
        File.WriteAllBytes(Path.Combine(corpus, "Actor_01", "03-01-05-02-02-02-01.wav"), [0x52, 0x49, 0x46, 0x46]);
        File.WriteAllBytes(Path.Combine(corpus, "Actor_01", "take-2.wav"), Synthetic.Encode(new float[25]));
        config = folder.Combine("config.ini");
        File.WriteAllText(config,
            "[data]\nsource_path = corpus\ncache_path = cache\n" +
            "[training]\nseed = 3\nepochs = 30\npatience = 8\nfolds = 2\nvalidation_actors = 1\nnetworks = CNN, DNN\n" +
            // The corpus holds feature files, not audio: nothing to degrade under recording conditions.
            "condition_copies = 0\nbenchmark_conditions = false\n" +
            "[models]\npath = models\n");
        trained = await Run("train", "--config", config, "--baselines");
        trainedSetId = new ModelStore(models).ReadPointer() ?? "";
    }

    [OneTimeTearDown]
    public void Cleanup() => folder.Dispose();

    /// <summary>A real recording for <c>predict</c>, which reads audio through the road as the Api does (the synthetic
    /// corpus holds feature files only the injected extractor reads).</summary>
    private string ToneFile(double frequencyHz)
    {
        var path = folder.Combine($"tone-{frequencyHz}.wav");
        File.WriteAllBytes(path, TestWav.Tone(frequencyHz));
        return path;
    }

    private string CorpusFile(int actor, int emotionCode = 5) =>
        Directory.GetFiles(Path.Combine(corpus, $"Actor_{actor:00}"), $"03-01-{emotionCode:00}-*.wav").Order().First();

    [Test]
    public void Train_SavesCompleteSetWithReportsAndPrintsSummary()
    {
        Assert.That(trained.Exit, Is.Zero, trained.Err);
        var set = new ModelStore(models).Load(trainedSetId);
        var setFolder = Path.Combine(models, set.Id);

        Assert.That(trained.Out, Does.Contain("2-fold cross-validation by actor").And.Contain($"Saved model set {set.Id}"));
        foreach (var file in new[] { "manifest.json", "cnn.bin", "dnn.bin", ReportWriter.JsonFile, ReportWriter.MarkdownFile, "confusion-cnn.png", "confusion-dnn.png", "confusion-lightgbm.png", "confusion-sdcamaximumentropy.png" })
        {
            Assert.That(File.Exists(Path.Combine(setFolder, file)), Is.True, file);
        }
        Assert.That(File.ReadAllBytes(Path.Combine(setFolder, "confusion-cnn.png")).Take(4), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47 }));
        var cnn = set.Manifest.Networks.Single(n => n.Network == "CNN");
        Assert.That(cnn.Metrics!.Folds, Is.EqualTo(2));
        Assert.That(cnn.Metrics.Pooled.Examples, Is.EqualTo(6 * 8 * 4));
        Assert.That(cnn.Training.ValidationActors, Has.Count.EqualTo(1));
        Assert.That(cnn.Training.TrainingActors, Has.Count.EqualTo(5));
        Assert.That(set.Manifest.Seed, Is.EqualTo(3));
    }

    [Test]
    public void Train_ReportListsTheSkippedFilesAndBaselines()
    {
        var setFolder = Path.Combine(models, trainedSetId);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(setFolder, ReportWriter.JsonFile)));
        var root = report.RootElement;

        var skipped = root.GetProperty("skipped").EnumerateArray().Select(s => s.GetProperty("path").GetString()).ToArray();
        Assert.That(skipped, Is.EquivalentTo(new[] { Path.Combine("Actor_01", "03-01-05-02-02-02-01.wav"), Path.Combine("Actor_01", "take-2.wav") }));
        Assert.That(root.GetProperty("crossValidation").EnumerateObject().Select(p => p.Name),
            Is.EqualTo(new[] { "CNN", "DNN", "LightGbm", "SdcaMaximumEntropy" }));
        foreach (var model in root.GetProperty("crossValidation").EnumerateObject())
        {
            Assert.That(model.Value.GetProperty("pooled").GetProperty("accuracy").GetDouble(), Is.GreaterThan(0.5), model.Name);
        }
        Assert.That(File.ReadAllText(Path.Combine(setFolder, ReportWriter.MarkdownFile)), Does.Contain("take-2.wav").And.Contain("| LightGbm |"));
    }

    [Test]
    public async Task Train_AgainWithoutCommand_UsesTheCacheAndKeepsThePreviousSet()
    {
        var before = new ModelStore(models).ReadPointer();

        var again = await Run("--config", config, "--epochs", "2");

        Assert.That(again.Exit, Is.Zero, again.Err);
        var store = new ModelStore(models);
        var current = store.ReadPointer()!;
        Assert.That(current, Is.Not.EqualTo(before));
        Assert.That(Directory.Exists(Path.Combine(models, before!)), Is.True, "the previous set is kept");
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(models, current, ReportWriter.JsonFile)));
        Assert.That(report.RootElement.GetProperty("featuresExtracted").GetInt32(), Is.Zero);
        // Every clip, its plain vector and both default speed-perturbed copies all from the cache (counted once per clip).
        Assert.That(report.RootElement.GetProperty("featureCacheHits").GetInt32(), Is.EqualTo(6 * 8 * 4));
        Assert.That(report.RootElement.GetProperty("augmentedExamples").GetInt32(), Is.EqualTo(2 * 6 * 8 * 4));
        Assert.That(report.RootElement.GetProperty("options").GetProperty("epochs").GetInt32(), Is.EqualTo(2));
    }

    [Test]
    public async Task Predict_Json_PrintsTheApiResponseShapePerFile()
    {
        var files = new[] { ToneFile(220), ToneFile(330) };

        var (exit, stdout, stderr) = await Run("predict", "--config", config, "--network", "dnn", "--json", files[0], files[1]);

        Assert.That(exit, Is.Zero, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.That(json.RootElement.EnumerateObject().Select(p => p.Name), Is.EqualTo(files));
        foreach (var file in json.RootElement.EnumerateObject())
        {
            Assert.That(file.Value.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "results" }));
            var results = file.Value.GetProperty("results").EnumerateArray().ToArray();
            Assert.That(results.Select(r => r.GetProperty("emotionType").GetString()), Is.EqualTo(Emotions.AllLabels));
            Assert.That(results.Sum(r => r.GetProperty("prediction").GetDouble()), Is.EqualTo(1).Within(1e-5));
            Assert.That(results.Select(r => r.EnumerateObject().Count()), Has.All.EqualTo(2));
        }
    }

    [Test]
    public async Task Predict_OneBadFile_OneLineOnStderrOthersStillPredictedExit1()
    {
        var good = ToneFile(440);
        var missing = Path.Combine(corpus, "missing.wav");

        var (exit, stdout, stderr) = await Run("predict", "--config", config, missing, good);

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(stderr, Does.StartWith(missing + ":"));
        Assert.That(stdout, Does.Contain(good + ": ").And.Contain("CNN:"));
    }

    [TestCase("predict", "--network", "rnn", "x.wav")]
    [TestCase("predict")]
    [TestCase("features", "--profile", "half", "x.wav")]
    [TestCase("train", "--epochs", "many")]
    [TestCase("evaluate")]
    [TestCase("frobnicate")]
    public async Task BadCommandLine_OneLineOnStderrExit2(params string[] args)
    {
        var (exit, stdout, stderr) = await Run(args);

        Assert.That(exit, Is.EqualTo(TrainerCli.Usage));
        Assert.That(stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(stderr, Does.StartWith("error: "));
        Assert.That(stdout, Is.Empty);
    }

    [Test]
    public async Task Train_MissingDataFolder_OneLineErrorExit1()
    {
        var missing = folder.Combine("no-such-folder");

        var (exit, _, stderr) = await Run("train", "--config", config, "--data", missing, "--models", folder.Combine("other-models"));

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(stderr.Trim(), Is.EqualTo($"error: Data folder '{missing}' does not exist."));
        Assert.That(Directory.Exists(folder.Combine("other-models")), Is.False);
    }

    [Test]
    public async Task Predict_NoModels_OneLineSaysHowToTrain()
    {
        var (exit, _, stderr) = await Run("predict", "--config", config, "--models", folder.Combine("empty-models"), CorpusFile(1));

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(stderr, Does.Contain("No trained models").And.Contain("dotnet run --project src/Trainer"));
    }

    [Test]
    public async Task Evaluate_Json_OneObjectWithMetricsPerNetwork()
    {
        var (exit, stdout, stderr) = await Run("evaluate", "--config", config, "--data", corpus, "--json");

        Assert.That(exit, Is.Zero, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.That(root.GetProperty("clips").GetInt32(), Is.EqualTo(6 * 8 * 4));
        Assert.That(root.GetProperty("skipped").GetArrayLength(), Is.EqualTo(2));
        Assert.That(root.GetProperty("networks").EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "CNN", "DNN" }));
        foreach (var network in root.GetProperty("networks").EnumerateObject())
        {
            Assert.That(network.Value.GetProperty("accuracy").GetDouble(), Is.InRange(0.5, 1.0));
            var confusion = network.Value.GetProperty("confusionMatrix").EnumerateArray().Select(r => r.EnumerateArray().Sum(c => c.GetInt32())).ToArray();
            Assert.That(confusion.Sum(), Is.EqualTo(6 * 8 * 4));
        }
    }

    [Test]
    public async Task Evaluate_Text_PrintsAccuracyAndConfusionPerNetwork()
    {
        var (exit, stdout, stderr) = await Run("evaluate", "--config", config, "--data", corpus);

        Assert.That(exit, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain("CNN: accuracy").And.Contain("DNN: accuracy").And.Contain("true \\ predicted"));
    }

    [Test]
    public async Task Features_Json_OneObjectOfVectorsAndBadFileOnStderr()
    {
        var good = CorpusFile(4);
        var bad = Path.Combine(corpus, "Actor_01", "take-2.wav");
        File.WriteAllBytes(folder.Combine("junk.wav"), [1, 2, 3]);

        var (exit, stdout, stderr) = await Run("features", "--json", good, folder.Combine("junk.wav"));

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(stderr.Trim(), Is.EqualTo($"{folder.Combine("junk.wav")}: not a synthetic clip"));
        using var json = JsonDocument.Parse(stdout);
        var values = json.RootElement.GetProperty(good).EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.That(values, Is.EqualTo(Synthetic.Extract(File.ReadAllBytes(good))));
        Assert.That(json.RootElement.EnumerateObject().Count(), Is.EqualTo(1));
        Assert.That(File.Exists(bad), Is.True);
    }

    [Test]
    public async Task Features_Text_OneLinePerFileWith25Values()
    {
        var files = new[] { CorpusFile(5), CorpusFile(6) };

        var (exit, stdout, _) = await Run("features", "--profile", "full", files[0], files[1]);

        Assert.That(exit, Is.Zero);
        var lines = stdout.TrimEnd().Split('\n');
        Assert.That(lines, Has.Length.EqualTo(2));
        Assert.That(lines[0], Does.StartWith(files[0] + ": "));
        Assert.That(lines[0].Split(": ")[1].Split(' '), Has.Length.EqualTo(25));
    }
}
