using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.ModelSets;
using EmotionRecognition.IntegrationTests.Trainer;
using EmotionRecognition.IntegrationTests.Infrastructure;
using EmotionRecognition.Trainer.Conditions;
using EmotionRecognition.Trainer.Reports;

namespace EmotionRecognition.IntegrationTests.Trainer;

/// <summary>
/// `train` with recording conditions on, end to end, on one take of one sentence of four actors from ../shared (15 clips
/// each) with a tiny recipe: every network's cross-validation is scored under every benchmark condition, the report shows
/// the table and its plot, and the training copies are made, counted and cached; `evaluate --conditions` scores the saved
/// set under the same conditions.
/// </summary>
[TestFixture]
public sealed class ConditionBenchmarkTests
{
    private const int Actors = 4;
    private const int ClipsPerActor = 15;
    private TempFolder folder = null!;
    private (int Exit, string Out, string Err) trained;
    private (int Exit, string Out, string Err) again;
    private (int Exit, string Out, string Err) evaluated;
    private (int Exit, string Out, string Err) evaluatedText;

    [OneTimeSetUp]
    public async Task TrainTwice()
    {
        folder = new TempFolder("train-conditions");
        RealCorpus.CopySpeech(folder, Actors, "03-01-*-*-01-01-*.wav");
        var config = folder.Combine("config.ini");
        File.WriteAllText(config,
            "[data]\nsource_path = corpus\ncache_path = cache\n" +
            "[training]\nnetworks = CNN, DNN, CRNN\nseed = 5\nepochs = 1\npatience = 1\nfolds = 2\nvalidation_actors = 1\n" +
            "speed_perturbation = none\ncondition_copies = 1\nbenchmark_conditions = true\nworkers = 1\n" +
            "[crnn]\npitch = true\nepochs = 1\nensemble = 1\ncrop_frames = 32\n" +
            "[models]\npath = models\n");
        trained = await RealCorpus.Train(config);
        again = await RealCorpus.Train(config);
        evaluated = await RealCorpus.Run("evaluate", "--config", config, "--data", folder.Combine("corpus"), "--conditions", "--json");
        evaluatedText = await RealCorpus.Run("evaluate", "--config", config, "--data", folder.Combine("corpus"), "--conditions");
    }

    [OneTimeTearDown]
    public void Cleanup() => folder.Dispose();

    private ModelManifest Current()
    {
        var store = new ModelStore(folder.Combine("models"));
        return store.ReadManifest(store.ReadPointer()!);
    }

    [Test]
    public void Train_EveryNetwork_IsScoredUnderEveryBenchmarkConditionOnItsTestSpeakers()
    {
        Assert.That(trained.Exit, Is.Zero, trained.Err + trained.Out);
        var names = RecordingConditions.Benchmark.Select(c => c.Name).ToArray();
        foreach (var entry in Current().Networks)
        {
            var conditions = entry.Metrics!.Conditions;
            Assert.That(conditions, Is.Not.Null, entry.Network);
            Assert.That(conditions!.Select(c => c.Condition), Is.EqualTo(names), entry.Network);
            Assert.That(conditions!.Select(c => c.Accuracy), Is.All.InRange(0.0, 1.0), entry.Network);
            Assert.That(conditions!.Select(c => c.MacroF1), Is.All.InRange(0.0, 1.0), entry.Network);
        }
        Assert.That(Current().Networks.Select(n => n.Network), Is.EquivalentTo(new[] { "CNN", "DNN", "CRNN" }));
    }

    [Test]
    public void Train_Report_HasTheConditionTableForEveryNetworkAndItsPlot()
    {
        Assert.That(trained.Exit, Is.Zero, trained.Err + trained.Out);
        var setFolder = folder.Combine("models", Current().SetId);
        var markdown = File.ReadAllText(Path.Combine(setFolder, ReportWriter.MarkdownFile));

        Assert.That(markdown, Does.Contain("## Recording conditions").And.Contain("| condition | CNN | DNN | CRNN |"));
        foreach (var condition in RecordingConditions.Benchmark)
            Assert.That(markdown, Does.Contain($"| {condition.Name} | "));
        Assert.That(new FileInfo(Path.Combine(setFolder, ReportWriter.ConditionsImageFile)).Length, Is.GreaterThan(1000));
    }

    [Test]
    public void Train_OneConditionCopy_AddsOneTrainingCopyOfEveryClip()
    {
        Assert.That(trained.Exit, Is.Zero, trained.Err + trained.Out);
        var markdown = File.ReadAllText(Path.Combine(folder.Combine("models", Current().SetId), ReportWriter.MarkdownFile));

        Assert.That(markdown, Does.Contain($"{Actors * ClipsPerActor} training copies (speed factors none; 1 recording-condition copies of each clip)"));
    }

    [Test]
    public void Train_Again_ReadsTheCopiesAndConditionedClipsFromTheCacheAndScoresTheSame()
    {
        Assert.That(again.Exit, Is.Zero, again.Err + again.Out);
        var sets = Directory.GetDirectories(folder.Combine("models")).Select(Path.GetFileName).Order().ToArray();
        Assert.That(sets, Has.Length.EqualTo(2));
        var store = new ModelStore(folder.Combine("models"));
        var first = store.ReadManifest(sets[0]!).Networks.ToDictionary(n => n.Network, n => n.Metrics!.Conditions);
        var second = store.ReadManifest(sets[1]!).Networks.ToDictionary(n => n.Network, n => n.Metrics!.Conditions);

        foreach (var network in new[] { NetworkType.Cnn, NetworkType.Dnn, NetworkType.Crnn }.Select(n => n.Name()))
            Assert.That(second[network], Is.EqualTo(first[network]), network);
        Assert.That(again.Out, Does.Contain($"Features: {Actors * ClipsPerActor} clips from cache, 0 extracted"));
    }

    [Test]
    public void Evaluate_Conditions_ScoresEveryNetworkOfTheSavedSetUnderEveryCondition()
    {
        Assert.That(evaluated.Exit, Is.Zero, evaluated.Err);
        using var json = System.Text.Json.JsonDocument.Parse(evaluated.Out);
        var names = RecordingConditions.Benchmark.Select(c => c.Name).ToArray();
        foreach (var network in json.RootElement.GetProperty("networks").EnumerateObject())
        {
            var conditions = network.Value.GetProperty("conditions").EnumerateArray().ToArray();
            Assert.That(conditions.Select(c => c.GetProperty("condition").GetString()), Is.EqualTo(names), network.Name);
            Assert.That(conditions.Select(c => c.GetProperty("accuracy").GetDouble()), Is.All.InRange(0.0, 1.0), network.Name);
        }
        Assert.That(json.RootElement.GetProperty("networks").EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "CNN", "DNN", "CRNN" }));
    }

    [Test]
    public void Evaluate_ConditionsText_PrintsTheReportsTableWithCleanFirst()
    {
        Assert.That(evaluatedText.Exit, Is.Zero, evaluatedText.Err);
        var table = evaluatedText.Out[evaluatedText.Out.IndexOf("| condition |", StringComparison.Ordinal)..].Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.That(table[2], Does.StartWith("| clean | "));
        Assert.That(table.Skip(3).Select(row => row.Split(" | ")[0].TrimStart('|', ' ')), Is.EqualTo(RecordingConditions.Benchmark.Select(c => c.Name)));
    }
}
