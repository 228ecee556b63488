using EmotionRecognition.Domain;

namespace EmotionRecognition.Trainer.Sequence;

/// <summary>
/// One network to train: which actors it learns from, which actors choose its epoch, and its seed. A cross-validated
/// ensemble is folds × members of these plus the final model's members, all independent of each other.
/// </summary>
/// <param name="Name">For progress and errors, e.g. "fold 2, member 3".</param>
/// <param name="Epochs">Its schedule's length (members of one ensemble may differ).</param>
public sealed record SequenceJob(string Name, int[] TrainingActors, int[] ValidationActors, int Seed, int Epochs)
{
    /// <summary>The options its fit runs with: the shared recipe with this job's schedule.</summary>
    public SequenceTrainingOptions Options(SequenceTrainingOptions shared) => shared with { Epochs = Epochs };

    /// <summary>The job's training and validation clips, in the order of <paramref name="clips"/> (the order decides the shuffles).</summary>
    public (LabeledSequences Train, LabeledSequences Validation) Select(IReadOnlyList<SequenceClip> clips) =>
        (LabeledSequences.From(clips.Where(c => TrainingActors.Contains(c.Actor))),
         LabeledSequences.From(clips.Where(c => ValidationActors.Contains(c.Actor))));

    /// <summary>The members of one ensemble trained on the same actors, in <see cref="SequenceTrainingOptions.MemberSchedule"/> order:
    /// seeds <see cref="SequenceEnsemble.MemberSeed"/> of their index within their group. When the recipe chooses no epoch on
    /// the validation actors (<see cref="SequenceTrainingOptions.SelectsOnValidation"/> false) they train with the others:
    /// more voices to learn from, and nothing is left that they would decide.</summary>
    public static IEnumerable<SequenceJob> Members(string name, int[] trainingActors, int[] validationActors, int seed, SequenceTrainingOptions options)
    {
        int[] training = options.SelectsOnValidation ? trainingActors : [.. trainingActors.Concat(validationActors).Order()];
        int[] validation = options.SelectsOnValidation ? validationActors : [];
        return options.MemberSchedule.Select((m, n) => new SequenceJob(
            $"{name}, member {n + 1}", training, validation, SequenceEnsemble.MemberSeed(seed, m.Index), m.Epochs));
    }
}

/// <summary>Trains a list of <see cref="SequenceJob"/>s and returns their fits in the same order.</summary>
public interface ISequenceJobRunner
{
    /// <param name="jobDone">Called once per finished job (from any thread).</param>
    IReadOnlyList<SequenceFit> Run(
        IReadOnlyList<SequenceClip> clips, IReadOnlyList<SequenceJob> jobs, SequenceTrainingOptions options, Action jobDone, CancellationToken ct);
}

/// <summary>One job after the other in this process: the reference every other runner must match weight for weight.</summary>
public sealed class InProcessJobRunner : ISequenceJobRunner
{
    public IReadOnlyList<SequenceFit> Run(
        IReadOnlyList<SequenceClip> clips, IReadOnlyList<SequenceJob> jobs, SequenceTrainingOptions options, Action jobDone, CancellationToken ct)
    {
        var fits = new List<SequenceFit>();
        try
        {
            foreach (var job in jobs)
            {
                var (train, validation) = job.Select(clips);
                fits.Add(SequenceTrainer.Fit(train, validation, job.Options(options), job.Seed, ct));
                jobDone();
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

/// <summary>Picks the runner for a worker count: 1 trains in this process, more in that many worker processes.</summary>
public static class SequenceJobRunners
{
    public static ISequenceJobRunner For(int workers) =>
        workers <= 1 ? new InProcessJobRunner() : new WorkerProcessJobRunner(workers, TrainerProcess.Current);
}
