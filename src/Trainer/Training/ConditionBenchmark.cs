using EmotionRecognition.Application.Audio;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Audio;
using EmotionRecognition.Infrastructure.ModelSets;
using EmotionRecognition.Trainer.Cli;
using EmotionRecognition.Trainer.Conditions;
using EmotionRecognition.Trainer.Corpus;

namespace EmotionRecognition.Trainer.Training;

/// <summary>A clip of the corpus as the benchmark reads it: its file and content hash.</summary>
internal sealed record BenchmarkClip(CorpusFile File, string ContentHash)
{
    public static BenchmarkClip Of<T>(LabeledClip<T> clip) => new(clip.File, clip.ContentHash);
}

/// <summary>
/// The condition benchmark: every network of every cross-validation fold is also scored on its fold's test clips under each of
/// <see cref="RecordingConditions.Benchmark"/>'s recording conditions, so the report shows beside the clean accuracy what
/// noise, a quiet microphone, a phone line, a codec or a room do to it, always on speakers the fold never heard. The
/// conditioned features are computed once for all clips (<see cref="Prepare"/>, cached) and read back per fold.
/// </summary>
internal sealed class ConditionBenchmark(ConditionedCopies copies, IReadOnlyList<Condition> conditions)
{
    /// <summary>
    /// One clip in this many is benchmarked (chosen by its content hash, so the same clips in every run and fold whatever
    /// the corpus order). Why not all: the codecs cost two ffmpeg processes per clip and a full pass of 29 conditions over
    /// 1 200 clips takes about an hour of one core; a quarter keeps each condition's accuracy within about ±2.8 points
    /// (one standard error at 60 % on 300 clips) at a quarter of the cost.
    /// </summary>
    public const int OneClipIn = 4;

    public IReadOnlyList<Condition> Conditions => conditions;

    /// <summary>Whether the clip with this content hash is one of the benchmark's (<see cref="OneClipIn"/>).</summary>
    public static bool Includes(string contentHash) => Convert.ToInt32(contentHash[..2], 16) % OneClipIn == 0;

    /// <summary>The benchmark's clips among <paramref name="clips"/> (<see cref="Includes"/>), in their order.</summary>
    public static BenchmarkClip[] ClipsOf<T>(IEnumerable<LabeledClip<T>> clips) =>
        clips.Where(c => Includes(c.ContentHash)).Select(c => BenchmarkClip.Of(c)).ToArray();

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

    /// <summary>
    /// Adds to <paramref name="into"/> the predictions of <paramref name="classify"/> (the clips' inputs under one condition →
    /// their predicted classes) for <paramref name="clips"/> under every condition.
    /// </summary>
    public void Score(Predictions into, IReadOnlyList<BenchmarkClip> clips, Func<ConditionedInput[], int[]> classify, CancellationToken ct)
    {
        var classes = clips.Select(c => (int)c.File.Name.Emotion).ToArray();
        for (int k = 0; k < conditions.Count; k++)
        {
            into.Add(k, classes, classify(Inputs(conditions[k], clips, ct)));
        }
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
