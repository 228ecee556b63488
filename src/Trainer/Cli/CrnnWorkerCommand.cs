using System.Text.Json;
using EmotionRecognition.Trainer.Sequence;

namespace EmotionRecognition.Trainer.Cli;

/// <summary>
/// <c>crnn-worker --job FILE</c> (hidden): what a worker process started by <see cref="WorkerProcessJobRunner"/> does.
/// Trains one <see cref="SequenceJob"/> on the run's data file and writes the weights and a small result file.
/// </summary>
public sealed class CrnnWorkerCommand
{
    public int Run(string jobFile, CancellationToken ct)
    {
        var work = JsonSerializer.Deserialize<SequenceWorkerJob>(File.ReadAllText(jobFile), WorkerProcessJobRunner.Json)
            ?? throw new InvalidDataException($"{jobFile} is empty.");
        var (train, validation) = work.Job.Select(SequenceDataFile.Read(work.DataFile));
        var fit = SequenceTrainer.Fit(train, validation, work.Job.Options(work.Options), work.Job.Seed, ct);
        using (fit.Module)
        {
            fit.Module.save(work.WeightsFile);
        }
        File.WriteAllText(work.ResultFile, JsonSerializer.Serialize(
            new SequenceWorkerResult(fit.BestEpoch, fit.EpochsRun, fit.BestValidationAccuracy, fit.SecondsPerEpoch), WorkerProcessJobRunner.Json));
        return 0;
    }
}
