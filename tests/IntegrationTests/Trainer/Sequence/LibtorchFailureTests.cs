using System.Runtime.InteropServices;
using EmotionRecognition.IntegrationTests.Infrastructure;
using EmotionRecognition.Trainer.Corpus;
using EmotionRecognition.Trainer.Sequence;
using EmotionRecognition.Trainer.Settings;

namespace EmotionRecognition.IntegrationTests.Trainer.Sequence;

/// <summary>
/// A CRNN job that libtorch fails in the middle of is run again from its seed (up to
/// <see cref="LibtorchFailures.MaxAttempts"/> times), in process and in worker processes; any other failure is not.
/// </summary>
public sealed class LibtorchFailureTests
{
    // The tiny recipe and the four actors of random sequences the worker tests train on.
    private static readonly SequenceTrainingOptions Tiny = CrnnWorkerTests.Tiny;

    private static IReadOnlyList<LabeledClip<SequenceExample>> Clips() => CrnnWorkerTests.Clips();

    /// <summary>The real worker behind a shell that counts its starts in <paramref name="count"/> and, for the first
    /// <paramref name="failures"/> of them, exits as a worker does when libtorch fails.</summary>
    private static TrainerProcess Flaky(string count, int failures)
    {
        var real = TrainerProcess.Current;
        var script = $"echo start >> '{count}'; if [ $(wc -l < '{count}') -le {failures} ]; then " +
            $"echo 'error: libtorch failed: Unknown scalar type' >&2; exit {TrainerProcess.LibtorchFailureExitCode}; fi; exec \"$@\"";
        return new TrainerProcess("/bin/bash", ["-c", script, "worker", real.FileName, .. real.PrefixArguments]);
    }

    private static int Starts(string count) => File.Exists(count) ? File.ReadAllLines(count).Length : 0;

    [Test]
    public void Retry_LibtorchFailsTwice_RunsTheJobAThirdTime()
    {
        int calls = 0;

        var result = LibtorchFailures.Retry(() => ++calls < 3 ? throw new ExternalException("Unknown scalar type\nframe #0: ...") : calls, "job");

        Assert.That(result, Is.EqualTo(3));
    }

    [Test]
    public void Retry_LibtorchFailsEveryTime_GivesUpAfterMaxAttemptsWithItsFirstLine()
    {
        int calls = 0;

        var e = Assert.Throws<TrainingWorkerException>(() =>
            LibtorchFailures.Retry<int>(() => { calls++; throw new ExternalException("Unknown scalar type\nframe #0: ..."); }, "fold 2, member 1"));

        Assert.That(calls, Is.EqualTo(LibtorchFailures.MaxAttempts));
        Assert.That(e!.Message, Does.Contain("fold 2, member 1").And.Contain("3 times").And.EndWith("Unknown scalar type"));
    }

    [Test]
    public void Retry_AnyOtherFailure_IsNotRetried()
    {
        int calls = 0;

        Assert.Throws<ArgumentException>(() => LibtorchFailures.Retry<int>(() => { calls++; throw new ArgumentException("0 validation"); }, "job"));

        Assert.That(calls, Is.EqualTo(1));
    }

    [Test]
    public void Run_WorkerThatLibtorchFailsOnce_IsRunAgainAndGivesTheUndisturbedWeights()
    {
        using var folder = new TempFolder("flaky");
        var count = folder.Combine("starts");
        var clips = Clips();
        SequenceJob[] jobs = [new("fold 1, member 1", [1, 2], Seed: 4, Epochs: 2)];

        var reference = new InProcessJobRunner().Run(clips, jobs, Tiny, (_, _) => { }, CancellationToken.None);
        var retried = new WorkerProcessJobRunner(1, Flaky(count, failures: 1)).Run(clips, jobs, Tiny, (_, _) => { }, CancellationToken.None);

        using var expected = reference[0].Module;
        using var actual = retried[0].Module;
        Assert.That(Starts(count), Is.EqualTo(2));
        expected.save(folder.Combine("expected.bin"));
        actual.save(folder.Combine("actual.bin"));
        Assert.That(File.ReadAllBytes(folder.Combine("actual.bin")), Is.EqualTo(File.ReadAllBytes(folder.Combine("expected.bin"))));
    }

    [Test]
    public void Run_WorkerThatLibtorchFailsEveryTime_FailsAfterMaxAttemptsNamingTheJob()
    {
        using var folder = new TempFolder("flaky");
        var count = folder.Combine("starts");
        SequenceJob[] jobs = [new("fold 1, member 1", [1, 2], Seed: 4, Epochs: 2)];

        var e = Assert.Throws<TrainingWorkerException>(() =>
            new WorkerProcessJobRunner(1, Flaky(count, failures: 99)).Run(Clips(), jobs, Tiny, (_, _) => { }, CancellationToken.None));

        Assert.That(Starts(count), Is.EqualTo(LibtorchFailures.MaxAttempts));
        Assert.That(e!.Message, Does.Contain("fold 1, member 1").And.Contain("Unknown scalar type"));
    }

    [Test]
    public void Run_WorkerThatRefusesItsJob_IsNotRunAgain()
    {
        using var folder = new TempFolder("flaky");
        var count = folder.Combine("starts");
        // Actor 9 has no clips: the worker's fit refuses an empty training set (exit 1, not a libtorch failure).
        SequenceJob[] jobs = [new("fold 3, member 1", [9], Seed: 1, Epochs: 2)];

        var e = Assert.Throws<TrainingWorkerException>(() =>
            new WorkerProcessJobRunner(1, Flaky(count, failures: 0)).Run(Clips(), jobs, Tiny, (_, _) => { }, CancellationToken.None));

        Assert.That(Starts(count), Is.EqualTo(1));
        Assert.That(e!.Message, Does.Contain("exit 1").And.Contain("needs examples"));
    }
}
