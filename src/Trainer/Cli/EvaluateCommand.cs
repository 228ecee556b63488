using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Trainer.Settings;
using EmotionRecognition.Infrastructure.Configuration;
using EmotionRecognition.Infrastructure.ModelSets;
using EmotionRecognition.Trainer.Corpus;
using EmotionRecognition.Trainer.Conditions;
using EmotionRecognition.Trainer.Reports;
using EmotionRecognition.Trainer.Sequence;
using Microsoft.Extensions.Configuration;

using EmotionRecognition.Trainer.Training;

namespace EmotionRecognition.Trainer.Cli;

/// <summary>One network's result on an evaluation folder.</summary>
internal sealed record NetworkEvaluation(
    double Accuracy,
    double MacroF1,
    IReadOnlyDictionary<string, double> RecallPerClass,
    int[][] ConfusionMatrix)
{
    /// <summary>Accuracy and macro-F1 under each benchmark condition (<c>evaluate --conditions</c>); null without it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ConditionScore>? Conditions { get; init; }
}

/// <summary>The JSON <c>evaluate --json</c> prints.</summary>
internal sealed record EvaluationResult(
    string SetId,
    string Data,
    int Clips,
    IReadOnlyList<int> Actors,
    IReadOnlyList<string> Labels,
    IReadOnlyList<SkippedFile> Skipped,
    IReadOnlyDictionary<string, NetworkEvaluation> Networks);

/// <summary>
/// <c>evaluate</c>: the saved models on any RAVDESS-layout folder, with features extracted by the
/// profile stored in the manifest (for CRNN, the sequence profile of its manifest entry). With <c>--conditions</c> every clip
/// is also scored under each of the condition benchmark's recording conditions (<see cref="RecordingConditions.Benchmark"/>,
/// the same seeded test draws as in training's report; babble from the folder's other actors).
/// </summary>
internal sealed class EvaluateCommand(TextWriter stdout, IProgressReporter progress, ExtractorFactory extractorFor)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public int Run(IConfiguration configuration, string dataFolder, bool json, bool includeSong, CancellationToken ct, bool conditions = false)
    {
        var set = new ModelStore(ModelsOptions.From(configuration).Path).LoadCurrent();
        var profile = set.Manifest.Profile;
        var scan = CorpusScan.Read(dataFolder, includeSong);
        var sequenceNetwork = set.Models.FirstOrDefault(m => !m.Network.TakesMfccVector());
        var reader = new CorpusReader(profile, extractorFor, [], sequenceNetwork?.Profile, new FeatureCache(DataOptions.From(configuration).CachePath));
        var read = reader.Read(scan, progress, ct);
        if (read.Vectors.Count == 0)
        {
            throw new InvalidDataException($"'{scan.Root}' has no usable RAVDESS clips ({read.Skipped.Count} file(s) skipped).");
        }
        var inputs = read.Vectors.Select(c => c.Features).ToArray();
        var truth = read.Vectors.Select(c => (int)c.Emotion).ToArray();
        ConditionBenchmark? benchmark = null;
        var benchmarkClips = read.Vectors.Select(c => BenchmarkClip.Of(c)).ToArray();
        if (conditions)
        {
            benchmark = new ConditionBenchmark(reader.Conditioned(scan), RecordingConditions.Benchmark);
            benchmark.Prepare(benchmarkClips, progress, ct);
        }
        var networks = new Dictionary<string, NetworkEvaluation>();
        foreach (var model in set.Models)
        {
            var predicted = model.Network.TakesMfccVector()
                ? set.ClassifyMany(model.Network, inputs).Select(Probabilities.ArgMax).ToArray()
                : read.Sequences!.Select(c => Probabilities.ArgMax(
                    set.ClassifyAsync(model.Network, c.Features.Input, ct).AsTask().GetAwaiter().GetResult())).ToArray();
            var m = ClassificationMetrics.From(truth, predicted, Emotions.Count);
            IReadOnlyList<ConditionScore>? scores = null;
            if (benchmark is not null)
            {
                var scored = benchmark.NewPredictions();
                benchmark.Score(scored, benchmarkClips, inputs => model.Network.TakesMfccVector()
                    ? set.ClassifyMany(model.Network, inputs.Select(i => i.Mfccs).ToArray()).Select(Probabilities.ArgMax).ToArray()
                    : inputs.Select(i => Probabilities.ArgMax(set.ClassifyAsync(model.Network, i.Sequence!, ct).AsTask().GetAwaiter().GetResult())).ToArray(), ct);
                scores = scored.Scores();
            }
            networks[model.Network.Name()] = new NetworkEvaluation(
                m.Accuracy, m.MacroF1,
                Emotions.AllLabels.Select((label, i) => (label, i)).ToDictionary(x => x.label, x => m.RecallPerClass[x.i]),
                m.ConfusionMatrix) { Conditions = scores };
        }
        var result = new EvaluationResult(set.Id, scan.Root, read.Vectors.Count, read.Actors, Emotions.AllLabels,
            read.Skipped.Select(s => s with { Path = Path.GetRelativePath(scan.Root, s.Path) }).ToArray(), networks);
        if (json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(result, Json));
        }
        else
        {
            WriteText(result);
        }
        return 0;
    }

    private void WriteText(EvaluationResult r)
    {
        var inv = CultureInfo.InvariantCulture;
        stdout.WriteLine($"Model set {r.SetId} on {r.Data}: {r.Clips} clips from actors {string.Join(",", r.Actors.Select(a => a.ToString("00")))}, {r.Skipped.Count} file(s) skipped");
        foreach (var s in r.Skipped)
        {
            stdout.WriteLine($"  skipped {s.Path}: {s.Reason}");
        }
        foreach (var (network, e) in r.Networks)
        {
            stdout.WriteLine();
            stdout.WriteLine(string.Create(inv, $"{network}: accuracy {e.Accuracy:P1}, macro-F1 {e.MacroF1:F3}"));
            stdout.WriteLine($"  {"true \\ predicted",-16}" + string.Concat(r.Labels.Select(l => $"{l,10}")) + $"{"recall",9}");
            for (int i = 0; i < r.Labels.Count; i++)
            {
                stdout.WriteLine($"  {r.Labels[i],-16}" + string.Concat(e.ConfusionMatrix[i].Select(c => $"{c,10}"))
                    + string.Create(inv, $"{e.RecallPerClass[r.Labels[i]],9:P0}"));
            }
        }
        if (r.Networks.Values.All(e => e.Conditions is not null) && r.Networks.Count > 0)
        {
            var table = new StringBuilder();
            ReportWriter.AppendConditionTable(table, "clean", r.Networks.Select(n =>
                new ReportWriter.ConditionColumn(n.Key, n.Value.Accuracy, n.Value.MacroF1, n.Value.Conditions!)).ToArray());
            stdout.WriteLine();
            stdout.WriteLine("Recording conditions (accuracy, macro-F1, change from clean in points):");
            stdout.Write(table.ToString());
        }
    }
}
