using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Models;
using EmotionRecognition.Trainer.Corpus;

namespace EmotionRecognition.Trainer.Sequence;

/// <summary>
/// One network to train: which actors it learns from and its seed. A cross-validated ensemble is folds × members of these
/// plus the final model's members, all independent of each other.
/// </summary>
/// <param name="Name">For progress and errors, e.g. "fold 2, member 3".</param>
/// <param name="Epochs">Its schedule's length (members of one ensemble may differ).</param>
/// <param name="Pitch">A pitch CRNN (reads the pitch rows) rather than a log-mel-only one.</param>
internal sealed record SequenceJob(string Name, int[] TrainingActors, int Seed, int Epochs, bool Pitch = false)
{
    /// <summary>The options its fit runs with: the shared recipe with this job's schedule; a log-mel-only job in a recipe
    /// with pitch rows trains exactly as it would without them (no pitch rows, the plain augmentation).</summary>
    public SequenceTrainingOptions Options(SequenceTrainingOptions shared) => Pitch || shared.PitchRows == 0
        ? shared with { Epochs = Epochs }
        : shared with { Epochs = Epochs, PitchRows = 0, Augmentation = shared.Augmentation with { MelRows = null, PitchShiftSemitones = 0 } };

    /// <summary>The job's training clips, in the order of <paramref name="clips"/> (the order decides the shuffles).
    /// The clips carry <see cref="SequenceTrainingOptions.PitchRows"/> of <paramref name="shared"/> pitch rows; a log-mel-only
    /// job gets them without those rows, i.e. exactly the features of a recipe without pitch.</summary>
    public LabeledSequences Select(IReadOnlyList<LabeledClip<SequenceExample>> clips, SequenceTrainingOptions shared)
    {
        int drop = Pitch ? 0 : shared.PitchRows;
        var data = LabeledSequences.From(clips.Where(c => TrainingActors.Contains(c.Actor)));
        FeatureMatrix Drop(FeatureMatrix m) => new(m.Rows - drop, m.Frames, m.Values[..((m.Rows - drop) * m.Frames)].ToArray());
        return drop == 0 ? data : data with
        {
            Features = data.Features.Select(Drop).ToArray(),
            Copies = data.Copies?.Select(copies => (IReadOnlyList<FeatureMatrix>)copies.Select(Drop).ToArray()).ToArray(),
        };
    }

    /// <summary>A freshly initialised network of this job's kind for clips of <paramref name="clipRows"/> rows (the rows of
    /// the run's clips, before <see cref="Select"/> drops the pitch rows a log-mel-only job does not read), to load its
    /// saved weights into.</summary>
    public EmotionCrnn CreateNetwork(SequenceTrainingOptions shared, int clipRows) =>
        Options(shared).CreateNetwork(Pitch ? clipRows : clipRows - shared.PitchRows, Emotions.Count);

    /// <summary>The members of one ensemble trained on the same actors, in <see cref="SequenceTrainingOptions.MemberSchedule"/> order:
    /// seeds <see cref="SequenceEnsemble.MemberSeed"/> of their index within their group.</summary>
    public static IEnumerable<SequenceJob> Members(string name, IEnumerable<int> actors, int seed, SequenceTrainingOptions options)
    {
        int[] training = [.. actors.Order()];
        return options.MemberSchedule.Select((m, n) => new SequenceJob(
            $"{name}, member {n + 1}", training, SequenceEnsemble.MemberSeed(seed, m.Index), m.Epochs, m.Pitch));
    }
}

/// <summary>Trains a list of <see cref="SequenceJob"/>s and returns their fits in the same order.</summary>
internal interface ISequenceJobRunner
{
    /// <param name="jobDone">Called once per finished job with its index in <paramref name="jobs"/> and its fit (from any thread),
    /// as soon as it is done: a caller that keeps fits (<see cref="CachedJobRunner"/>) loses none when a later job fails.</param>
    IReadOnlyList<SequenceFit> Run(
        IReadOnlyList<LabeledClip<SequenceExample>> clips, IReadOnlyList<SequenceJob> jobs, SequenceTrainingOptions options, Action<int, SequenceFit> jobDone,
        CancellationToken ct);
}

/// <summary>One job after the other in this process: the reference every other runner must match weight for weight.</summary>
internal sealed class InProcessJobRunner : ISequenceJobRunner
{
    public IReadOnlyList<SequenceFit> Run(
        IReadOnlyList<LabeledClip<SequenceExample>> clips, IReadOnlyList<SequenceJob> jobs, SequenceTrainingOptions options, Action<int, SequenceFit> jobDone,
        CancellationToken ct)
    {
        var fits = new List<SequenceFit>();
        try
        {
            foreach (var job in jobs)
            {
                var train = job.Select(clips, options);
                fits.Add(LibtorchFailures.Retry(() => SequenceTrainer.Fit(train, job.Options(options), job.Seed, ct), job.Name));
                jobDone(fits.Count - 1, fits[^1]);
            }
            return fits;
        }
        catch
        {
            fits.ForEach(f => f.Module.Dispose());
            throw;
        }
    }
}

/// <summary>Picks the runner for a worker count: 1 trains in this process, more in that many worker processes; with a
/// cache folder, every finished network is kept there and a later run with the same job, recipe and data loads it.</summary>
internal static class SequenceJobRunners
{
    public static ISequenceJobRunner For(int workers, string? cacheFolder = null)
    {
        ISequenceJobRunner runner = workers <= 1 ? new InProcessJobRunner() : new WorkerProcessJobRunner(workers, TrainerProcess.Current);
        return cacheFolder is null ? runner : new CachedJobRunner(runner, cacheFolder);
    }
}
