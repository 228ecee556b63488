using EmotionRecognition.Application.Audio;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Audio;
using EmotionRecognition.Infrastructure.ModelStore;
using EmotionRecognition.Trainer.Cli;
using EmotionRecognition.Trainer.Conditions;
using EmotionRecognition.Trainer.Corpus;

namespace EmotionRecognition.Trainer.Training;

/// <summary>A clip of the corpus as the benchmark reads it: its file and content hash.</summary>
internal sealed record BenchmarkClip(CorpusFile File, string ContentHash);

/// <summary>
/// The condition benchmark: every network of every cross-validation fold is also scored on its fold's test clips under each of
/// <see cref="RecordingConditions.Benchmark"/>'s recording conditions, so the report shows beside the clean accuracy what
/// noise, a quiet microphone, a phone line, a codec or a room do to it, always on speakers the fold never heard. The
/// conditioned features are computed once for all clips (<see cref="Prepare"/>, cached) and read back per fold.
/// </summary>
internal sealed class ConditionBenchmark(ConditionedCopies copies, IReadOnlyList<Condition> conditions)
{
    public IReadOnlyList<Condition> Conditions => conditions;

    /// <summary>Every clip under every condition, on all cores, into the cache (clips already there are only checked).</summary>
    public void Prepare(IReadOnlyList<BenchmarkClip> clips, IProgressReporter progress, CancellationToken ct)
    {
        progress.Run($"Condition benchmark features ({conditions.Count} conditions)", clips.Count, advance =>
        {
            Parallel.For(0, clips.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct }, i =>
            {
                var clean = Clean(clips[i]);
                foreach (var condition in conditions)
                {
                    copies.Benchmark(clips[i].File, clips[i].ContentHash, () => clean.Value, condition, out _);
                }
                advance(1);
            });
        });
    }

    /// <summary>The clips under <paramref name="condition"/>, in their order.</summary>
    public ConditionedInput[] Inputs(Condition condition, IReadOnlyList<BenchmarkClip> clips, CancellationToken ct)
    {
        var inputs = new ConditionedInput[clips.Count];
        Parallel.For(0, clips.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct }, i =>
        {
            var clean = Clean(clips[i]);
            inputs[i] = copies.Benchmark(clips[i].File, clips[i].ContentHash, () => clean.Value, condition, out _);
        });
        return inputs;
    }

    /// <summary>The test predictions under each condition, pooled over folds.</summary>
    public Predictions NewPredictions() => new(conditions);

    private static Lazy<AudioClip> Clean(BenchmarkClip clip) =>
        new(() => AudioDecoding.ForLocalFiles.Decode(File.ReadAllBytes(clip.File.Path)));

    /// <summary>One network's test predictions under each condition, fold after fold.</summary>
    internal sealed class Predictions(IReadOnlyList<Condition> conditions)
    {
        private readonly List<int>[] truth = conditions.Select(_ => new List<int>()).ToArray();
        private readonly List<int>[] predicted = conditions.Select(_ => new List<int>()).ToArray();

        public void Add(int condition, IEnumerable<int> classes, IEnumerable<int> predictions)
        {
            lock (truth)
            {
                truth[condition].AddRange(classes);
                predicted[condition].AddRange(predictions);
            }
        }

        public IReadOnlyList<ConditionScore> Scores() => conditions.Select((c, i) =>
        {
            var metrics = ClassificationMetrics.From(truth[i].ToArray(), predicted[i].ToArray(), Emotions.Count);
            return new ConditionScore(c.Name, metrics.Accuracy, metrics.MacroF1);
        }).ToArray();
    }
}
