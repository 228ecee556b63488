using EmotionRecognition.Application.Features;
using EmotionRecognition.IntegrationTests.Infrastructure;
using EmotionRecognition.Trainer.Corpus;
using EmotionRecognition.Trainer.Sequence;

namespace EmotionRecognition.IntegrationTests.Trainer.Sequence;

/// <summary>
/// A stopped `train` resumes: every finished CRNN is kept as soon as it is done, a rerun loads it instead of training it
/// again (with the same weights), and anything that would change its weights trains it anew.
/// </summary>
public sealed class CachedJobRunnerTests
{
    private static readonly SequenceTrainingOptions Tiny = CrnnWorkerTests.Tiny;

    private static SequenceJob[] Jobs() =>
    [
        .. SequenceJob.Members("fold 1", [1, 2], 11, Tiny),
        .. SequenceJob.Members("final model", [1, 2, 3], 10, Tiny),
    ];

    /// <summary>Trains in this process and counts the jobs it was given.</summary>
    private sealed class CountingRunner : ISequenceJobRunner
    {
        public int Trained { get; private set; }

        public IReadOnlyList<SequenceFit> Run(IReadOnlyList<LabeledClip<SequenceExample>> clips, IReadOnlyList<SequenceJob> jobs, SequenceTrainingOptions options,
            Action<int, SequenceFit> jobDone, CancellationToken ct)
        {
            Trained += jobs.Count;
            return new InProcessJobRunner().Run(clips, jobs, options, jobDone, ct);
        }
    }

    /// <summary>Trains the first job, then fails, as a session that ends mid-run does.</summary>
    private sealed class StoppingRunner : ISequenceJobRunner
    {
        public IReadOnlyList<SequenceFit> Run(IReadOnlyList<LabeledClip<SequenceExample>> clips, IReadOnlyList<SequenceJob> jobs, SequenceTrainingOptions options,
            Action<int, SequenceFit> jobDone, CancellationToken ct)
        {
            var first = new InProcessJobRunner().Run(clips, [jobs[0]], options, (_, fit) => jobDone(0, fit), ct);
            first[0].Module.Dispose();
            throw new OperationCanceledException("stopped");
        }
    }

    private static byte[] Weights(SequenceFit fit, TempFolder folder, string name)
    {
        var path = folder.Combine(name);
        fit.Module.save(path);
        return File.ReadAllBytes(path);
    }

    [Test]
    public void Run_Again_LoadsEveryNetworkWithTheSameWeightsInsteadOfTraining()
    {
        using var cache = new TempFolder("crnn-cache");
        using var files = new TempFolder("weights");
        var clips = CrnnWorkerTests.Clips();
        var first = new CountingRunner();
        var second = new CountingRunner();

        var trained = new CachedJobRunner(first, cache.Path).Run(clips, Jobs(), Tiny, (_, _) => { }, CancellationToken.None);
        var loaded = new CachedJobRunner(second, cache.Path).Run(clips, Jobs(), Tiny, (_, _) => { }, CancellationToken.None);
        try
        {
            Assert.That(first.Trained, Is.EqualTo(Jobs().Length));
            Assert.That(second.Trained, Is.Zero, "nothing trains again");
            for (int i = 0; i < trained.Count; i++)
            {
                Assert.That(Weights(loaded[i], files, $"l{i}"), Is.EqualTo(Weights(trained[i], files, $"t{i}")), Jobs()[i].Name);
                Assert.That(loaded[i].EpochsRun, Is.EqualTo(trained[i].EpochsRun));
            }
        }
        finally
        {
            foreach (var fit in trained.Concat(loaded))
                fit.Module.Dispose();
        }
    }

    [Test]
    public void Run_AfterAStop_TrainsOnlyTheNetworksThatWereNotFinished()
    {
        using var cache = new TempFolder("crnn-cache");
        var clips = CrnnWorkerTests.Clips();
        Assert.That(() => new CachedJobRunner(new StoppingRunner(), cache.Path).Run(clips, Jobs(), Tiny, (_, _) => { }, CancellationToken.None),
            Throws.InstanceOf<OperationCanceledException>());

        var resumed = new CountingRunner();
        var fits = new CachedJobRunner(resumed, cache.Path).Run(clips, Jobs(), Tiny, (_, _) => { }, CancellationToken.None);
        foreach (var fit in fits)
            fit.Module.Dispose();

        Assert.That(resumed.Trained, Is.EqualTo(Jobs().Length - 1));
    }

    [Test]
    public void Key_ChangesWithTheDataTheRecipeOrTheJobButNotWithTheRestOfTheEnsemble()
    {
        var clips = CrnnWorkerTests.Clips();
        var job = Jobs()[0];
        var key = CachedJobRunner.Key(job, Tiny, job.Select(clips, Tiny));
        var changed = clips.Select((c, i) => i == 0 ? c with { Features = new SequenceExample(new FeatureMatrix(
            c.Features.Sequence.Rows, c.Features.Sequence.Frames, c.Features.Sequence.Values.ToArray().Select(v => v + 1e-3f).ToArray())) } : c).ToArray();
        var withCopy = clips.Select((c, i) => i == 0 ? c with { Features = c.Features with { Copies = [c.Features.Input] } } : c).ToArray();

        Assert.That(CachedJobRunner.Key(job, Tiny, job.Select(clips, Tiny)), Is.EqualTo(key), "the same job, recipe and data");
        Assert.That(CachedJobRunner.Key(job, Tiny, job.Select(changed, Tiny)), Is.Not.EqualTo(key), "one number of one clip");
        Assert.That(CachedJobRunner.Key(job, Tiny, job.Select(withCopy, Tiny)), Is.Not.EqualTo(key), "a conditioned copy");
        Assert.That(CachedJobRunner.Key(job, Tiny with { LearningRate = 1e-2 }, job.Select(clips, Tiny)), Is.Not.EqualTo(key), "the recipe");
        Assert.That(CachedJobRunner.Key(job with { Seed = job.Seed + 1 }, Tiny, job.Select(clips, Tiny)), Is.Not.EqualTo(key), "the seed");
        Assert.That(CachedJobRunner.Key(job, Tiny with { Ensemble = [new EnsembleGroup(3, Tiny.Epochs)], FunctionalsWeight = 0.5 }, job.Select(clips, Tiny)),
            Is.EqualTo(key), "another ensemble around the same job, another functionals weight");
    }
}
