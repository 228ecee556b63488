using System.Diagnostics;
using System.Text.Json;
using EmotionRecognition.Trainer.Sequence;

namespace EmotionRecognition.Trainer.Cli;

/// <summary>
/// <c>crnn-worker --job FILE</c> (hidden): what a worker process started by <see cref="WorkerProcessJobRunner"/> does.
/// Trains one <see cref="SequenceJob"/> on the run's data file and writes the weights and a small result file. If the
/// <c>train</c> process that started it disappears (killed, crashed), the worker stops within seconds rather than
/// training on for nobody. A failure inside libtorch ends the worker with
/// <see cref="TrainerProcess.LibtorchFailureExitCode"/> and libtorch's first line, so <c>train</c> runs the job again
/// (<see cref="LibtorchFailures"/>).
/// </summary>
internal sealed class CrnnWorkerCommand(TextWriter stderr)
{
    private static readonly TimeSpan ParentCheck = TimeSpan.FromSeconds(2);

    public int Run(string jobFile, CancellationToken ct)
    {
        var work = JsonSerializer.Deserialize<SequenceWorkerJob>(File.ReadAllText(jobFile), WorkerProcessJobRunner.Json)
            ?? throw new InvalidDataException($"{jobFile} is empty.");
        using var orphaned = new CancellationTokenSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, orphaned.Token);
        using var watch = new Timer(_ =>
        {
            if (!IsRunning(work.ParentProcessId))
            {
                orphaned.Cancel();
            }
        }, null, TimeSpan.Zero, ParentCheck);
        try
        {
            var train = work.Job.Select(SequenceDataFile.Read(work.DataFile), work.Options);
            var fit = SequenceTrainer.Fit(train, work.Job.Options(work.Options), work.Job.Seed, stop.Token);
            using (fit.Module)
            {
                fit.Module.save(work.WeightsFile);
            }
            File.WriteAllText(work.ResultFile, JsonSerializer.Serialize(
                new SequenceWorkerResult(fit.EpochsRun, fit.SecondsPerEpoch), WorkerProcessJobRunner.Json));
            return 0;
        }
        catch (System.Runtime.InteropServices.ExternalException e)
        {
            stderr.WriteLine($"error: libtorch failed: {LibtorchFailures.CliMessage(e)}");
            return TrainerProcess.LibtorchFailureExitCode;
        }
        catch (OperationCanceledException) when (orphaned.IsCancellationRequested)
        {
            throw new TrainingWorkerException($"The train process (pid {work.ParentProcessId}) that started this worker has exited; stopped.");
        }
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
