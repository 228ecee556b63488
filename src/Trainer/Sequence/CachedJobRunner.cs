using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EmotionRecognition.Trainer.Corpus;

namespace EmotionRecognition.Trainer.Sequence;

/// <summary>
/// Keeps every trained CRNN on disk as soon as it is done, keyed by everything that decides its weights: the job (actors,
/// seed, schedule, kind), the recipe it trains with, and the exact numbers it trains on. A <c>train</c> that stops (a
/// session ends, the machine goes away) loses only the networks still training; run again with the same settings and
/// data, it loads the finished ones and trains the rest, so a 54-network recipe can be spread over several sittings.
/// Loading gives the same weights as training again would (training is deterministic), so a resumed run saves the same set.
/// </summary>
internal sealed class CachedJobRunner(ISequenceJobRunner inner, string folder) : ISequenceJobRunner
{
    /// <summary>Bump when <see cref="SequenceTrainer"/> changes in a way the recipe's options do not name: cached networks
    /// of another version are never loaded.</summary>
    public const int TrainerVersion = 1;

    private readonly Lock saving = new();

    public IReadOnlyList<SequenceFit> Run(
        IReadOnlyList<LabeledClip<SequenceExample>> clips, IReadOnlyList<SequenceJob> jobs, SequenceTrainingOptions options, Action<int, SequenceFit> jobDone,
        CancellationToken ct)
    {
        if (clips.Count == 0)
        {
            throw new ArgumentException("There are no clips to train the CRNN on.", nameof(clips));
        }
        Directory.CreateDirectory(folder);
        int rows = clips[0].Features.Sequence.Rows;
        var keys = jobs.Select(job => Key(job, options, job.Select(clips, options))).ToArray();
        var fits = new SequenceFit?[jobs.Count];
        var loaded = new HashSet<int>();
        try
        {
            for (int i = 0; i < jobs.Count; i++)
            {
                fits[i] = TryLoad(keys[i], jobs[i], options, rows);
                if (fits[i] is { } fit)
                {
                    loaded.Add(i);
                    jobDone(i, fit);
                }
            }
            var missing = Enumerable.Range(0, jobs.Count).Where(i => fits[i] is null).ToArray();
            if (missing.Length > 0)
            {
                inner.Run(clips, missing.Select(i => jobs[i]).ToArray(), options, (k, fit) =>
                {
                    int i = missing[k];
                    Save(keys[i], jobs[i], fit);
                    fits[i] = fit;
                    jobDone(i, fit);
                }, ct);
            }
            return fits.Select(f => f!).ToArray();
        }
        catch
        {
            // The loaded networks are this runner's; a failing inner runner disposes the ones it trained itself.
            foreach (var (fit, i) in fits.Select((f, i) => (f, i)).Where(p => loaded.Contains(p.i)))
            {
                fit?.Module.Dispose();
            }
            throw;
        }
    }

    /// <summary>SHA-256 over the trainer version, the job, its recipe and every number and class it trains on, in order.</summary>
    public static string Key(SequenceJob job, SequenceTrainingOptions shared, LabeledSequences train)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // A network's weights do not depend on the other members of its ensemble or on the functionals model beside it, so
        // those stay out of the key: a network finished for one recipe is reused by any recipe that has the same job.
        var options = job.Options(shared) with { Ensemble = [], FunctionalsWeight = 0, FunctionalsL2 = 0 };
        hash.AppendData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"v{TrainerVersion}|{job.Seed}|{job.Epochs}|{job.Pitch}|{string.Join(",", job.TrainingActors)}|{JsonSerializer.Serialize(options)}|{TorchSharp.torch.__version__}\n")));
        for (int i = 0; i < train.Count; i++)
        {
            var features = train.Features[i];
            hash.AppendData(BitConverter.GetBytes(train.Classes[i]));
            hash.AppendData(BitConverter.GetBytes(features.Rows));
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(features.Values));
            // Clean-only data hashes exactly as it did before copies existed, so its networks stay cached.
            if (train.Copies?[i] is not { Count: > 0 } copies)
            {
                continue;
            }
            hash.AppendData(BitConverter.GetBytes(copies.Count));
            foreach (var copy in copies)
            {
                hash.AppendData(BitConverter.GetBytes(copy.Rows));
                hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(copy.Values));
            }
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private SequenceFit? TryLoad(string key, SequenceJob job, SequenceTrainingOptions options, int rows)
    {
        var (weights, result) = Files(key);
        if (!File.Exists(weights) || !File.Exists(result))
        {
            return null;
        }
        SequenceWorkerResult? run;
        try
        {
            run = JsonSerializer.Deserialize<SequenceWorkerResult>(File.ReadAllText(result), WorkerProcessJobRunner.Json);
        }
        catch (JsonException)
        {
            return null;
        }
        if (run is null)
        {
            return null;
        }
        var module = job.CreateNetwork(options, rows);
        try
        {
            module.load(weights);
            module.eval();
            return new SequenceFit(module, run.EpochsRun, run.SecondsPerEpoch);
        }
        catch (Exception e) when (e is IOException or ArgumentException or System.Runtime.InteropServices.ExternalException)
        {
            // A cut-short or foreign file is trained again rather than trusted.
            module.Dispose();
            return null;
        }
    }

    /// <summary>Weights first, then the result file, each through a temporary name: a result file means whole weights.</summary>
    private void Save(string key, SequenceJob job, SequenceFit fit)
    {
        var (weights, result) = Files(key);
        lock (saving)
        {
            var temporary = weights + $".{Environment.ProcessId}.tmp";
            fit.Module.save(temporary);
            File.Move(temporary, weights, overwrite: true);
            File.WriteAllText(result + ".tmp", JsonSerializer.Serialize(new SequenceWorkerResult(fit.EpochsRun, fit.SecondsPerEpoch), WorkerProcessJobRunner.Json));
            File.Move(result + ".tmp", result, overwrite: true);
            File.WriteAllText(Path.Combine(folder, key + ".txt"), $"{job.Name}: seed {job.Seed}, {job.Epochs} epochs{(job.Pitch ? ", pitch" : "")}\n");
        }
    }

    private (string Weights, string Result) Files(string key) =>
        (Path.Combine(folder, key + ".bin"), Path.Combine(folder, key + ".json"));
}
