using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Models;
using EmotionRecognition.Trainer.Corpus;

namespace EmotionRecognition.Trainer.Sequence;

/// <summary>What a worker is asked to train (a JSON file it is given) and where it writes the result.</summary>
/// <param name="ParentProcessId">The <c>train</c> process: a worker whose parent has gone stops instead of training for nobody.</param>
internal sealed record SequenceWorkerJob(
    string DataFile, SequenceTrainingOptions Options, SequenceJob Job, string WeightsFile, string ResultFile, int ParentProcessId);

/// <summary>What a worker reports besides the weights.</summary>
internal sealed record SequenceWorkerResult(int EpochsRun, double SecondsPerEpoch);

/// <summary>
/// Trains jobs in up to <c>workers</c> child processes (<c>crnn-worker</c>), one job each, and loads their weights.
/// Processes rather than threads because torch's random generator is global to a process: two fits in one process would
/// interleave their draws differently from run to run. Each worker runs the very <see cref="SequenceTrainer.Fit"/> an
/// in-process run does, on the same clips in the same order with the same seed and thread count, so the weights are
/// the same bytes whatever the worker count (a test pins this).
/// </summary>
internal sealed class WorkerProcessJobRunner(int workers, TrainerProcess trainer) : ISequenceJobRunner
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public IReadOnlyList<SequenceFit> Run(
        IReadOnlyList<LabeledClip<SequenceExample>> clips, IReadOnlyList<SequenceJob> jobs, SequenceTrainingOptions options, Action<int, SequenceFit> jobDone,
        CancellationToken ct)
    {
        if (clips.Count == 0)
        {
            throw new ArgumentException("There are no clips to train the CRNN on.", nameof(clips));
        }
        var folder = Directory.CreateTempSubdirectory("emotion-crnn-jobs-").FullName;
        var fits = new ConcurrentDictionary<int, SequenceFit>();
        // The first failure stops the others: their processes are killed rather than left to finish for nothing.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Exception? failure = null;
        try
        {
            var data = Path.Combine(folder, "sequences.bin");
            SequenceDataFile.Write(data, clips);
            int bands = clips[0].Features.Sequence.Rows;
            Parallel.For(0, jobs.Count, new ParallelOptions { MaxDegreeOfParallelism = workers }, (i, state) =>
            {
                if (stop.IsCancellationRequested)
                {
                    state.Stop();
                    return;
                }
                try
                {
                    fits[i] = RunOne(folder, data, bands, i, jobs[i], options, stop.Token);
                    jobDone(i, fits[i]);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref failure, e, null);
                    stop.Cancel();
                    state.Stop();
                }
            });
            ct.ThrowIfCancellationRequested();
            if (failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }
            return Enumerable.Range(0, jobs.Count).Select(i => fits[i]).ToArray();
        }
        catch
        {
            foreach (var fit in fits.Values)
            {
                fit.Module.Dispose();
            }
            throw;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private SequenceFit RunOne(string folder, string data, int bands, int index, SequenceJob job, SequenceTrainingOptions options, CancellationToken ct)
    {
        var work = new SequenceWorkerJob(data, options, job, Path.Combine(folder, $"job{index}.bin"), Path.Combine(folder, $"job{index}.result.json"),
            Environment.ProcessId);
        var jobFile = Path.Combine(folder, $"job{index}.json");
        File.WriteAllText(jobFile, JsonSerializer.Serialize(work, Json));
        LibtorchFailures.Retry(() => trainer.RunWorker(jobFile, job.Name, ct), job.Name);
        var result = JsonSerializer.Deserialize<SequenceWorkerResult>(File.ReadAllText(work.ResultFile), Json)
            ?? throw new InvalidDataException($"{work.ResultFile} is empty.");
        var module = job.CreateNetwork(options, bands);
        try
        {
            module.load(work.WeightsFile);
            module.eval();
            return new SequenceFit(module, result.EpochsRun, result.SecondsPerEpoch);
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }
}

/// <summary>How to start this Trainer again as a worker: the running <c>dotnet</c> host with the Trainer's assembly,
/// or the Trainer's own executable (apphost) when that is what runs.</summary>
internal sealed class TrainerProcess(string fileName, IReadOnlyList<string> prefixArguments)
{
    public const string WorkerCommand = "crnn-worker";

    /// <summary>A worker's exit code when libtorch failed mid-training (EX_TEMPFAIL): the job may simply be run again.</summary>
    public const int LibtorchFailureExitCode = 75;

    /// <summary>The program started for a worker.</summary>
    public string FileName => fileName;

    /// <summary>Arguments before <c>crnn-worker --job FILE</c> (e.g. <c>exec Trainer.dll</c> under the dotnet host).</summary>
    public IReadOnlyList<string> PrefixArguments => prefixArguments;

    public static TrainerProcess Current
    {
        get
        {
            var assembly = typeof(TrainerProcess).Assembly.Location;
            var host = Environment.ProcessPath;
            if (string.IsNullOrEmpty(assembly))
            {
                // A single-file build has no assembly file: the executable is the Trainer itself.
                return new TrainerProcess(host ?? throw new TrainingWorkerException("Cannot tell which executable runs the Trainer."), []);
            }
            if (host is not null && Path.GetFileNameWithoutExtension(host) == "dotnet")
            {
                return new TrainerProcess(host, ["exec", assembly]);
            }
            var apphost = Path.Combine(Path.GetDirectoryName(assembly)!, Path.GetFileNameWithoutExtension(assembly) + (OperatingSystem.IsWindows() ? ".exe" : ""));
            return File.Exists(apphost) ? new TrainerProcess(apphost, []) : new TrainerProcess("dotnet", ["exec", assembly]);
        }
    }

    /// <summary>Runs <c>crnn-worker --job FILE</c> to the end.</summary>
    /// <exception cref="LibtorchFailureException">libtorch failed in the worker (exit <see cref="LibtorchFailureExitCode"/>).</exception>
    /// <exception cref="TrainingWorkerException">The worker failed otherwise: its exit code and the last line it wrote.</exception>
    public void RunWorker(string jobFile, string jobName, CancellationToken ct)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in prefixArguments.Concat([WorkerCommand, "--job", jobFile]))
        {
            start.ArgumentList.Add(argument);
        }
        Process? started;
        try
        {
            started = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new TrainingWorkerException($"Could not start the worker {fileName}: {e.Message}");
        }
        using var process = started ?? throw new TrainingWorkerException($"Could not start the worker {fileName}.");
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        using (ct.Register(() => Kill(process)))
        {
            process.WaitForExit();
        }
        ct.ThrowIfCancellationRequested();
        if (process.ExitCode != 0)
        {
            var lines = (stderr.Result + stdout.Result).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var message = $"CRNN worker for {jobName} failed (exit {process.ExitCode}): {(lines.Length > 0 ? lines[^1] : "no message")}";
            throw process.ExitCode == LibtorchFailureExitCode ? new LibtorchFailureException(message) : new TrainingWorkerException(message);
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}

/// <summary>A worker process could not be started or did not finish its job.</summary>
internal sealed class TrainingWorkerException(string message) : Exception(message);
