using System.Diagnostics;
using System.Text.Json;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Configuration;
using EmotionRecognition.IntegrationTests.Infrastructure;
using EmotionRecognition.Trainer.Corpus;
using EmotionRecognition.Trainer.Sequence;
using EmotionRecognition.Trainer.Settings;
using Microsoft.Extensions.Configuration;
using static TorchSharp.torch;

namespace EmotionRecognition.IntegrationTests.Trainer.Sequence;

/// <summary>
/// `train` trains the CRNN's networks in worker processes: the weights must not depend on how many run at once,
/// a failing worker must surface as one clear error, and the data handed to workers must arrive bit for bit.
/// </summary>
public sealed class CrnnWorkerTests
{
    private const int Bands = 16;

    internal static readonly SequenceTrainingOptions Tiny = SequenceTrainingOptions.OneNetwork with
    {
        // Two members of different schedules (same seed): the job carries its own epochs.
        Epochs = 2, BatchSize = 8, Threads = 1, Ensemble = [new EnsembleGroup(1, 2), new EnsembleGroup(1, 3)],
        Augmentation = SequenceAugmentation.Default with { CropFrames = 24, FrequencyMaskBands = 2, TimeMaskFrames = 3 },
    };

    /// <summary>Four actors × eight emotions of random [16, 20-40] sequences with RAVDESS names.</summary>
    internal static IReadOnlyList<LabeledClip<SequenceExample>> Clips()
    {
        var random = new Random(7);
        return (from actor in Enumerable.Range(1, 4)
                from emotion in Enumerable.Range(1, 8)
                let frames = random.Next(20, 41)
                let values = Enumerable.Range(0, Bands * frames).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()
                let file = $"03-01-{emotion:00}-01-01-01-{actor:00}.wav"
                select new LabeledClip<SequenceExample>($"/corpus/Actor_{actor:00}/{file}", Parse(file), $"hash{actor}{emotion}", new SequenceExample(new FeatureMatrix(Bands, frames, values))))
            .ToArray();
    }

    private static RavdessFileName Parse(string file) => RavdessFileName.TryParse(file, out var name) ? name! : throw new ArgumentException(file);

    private static SequenceJob[] Jobs() =>
    [
        .. SequenceJob.Members("fold 1", [1, 2], 11, Tiny),
        .. SequenceJob.Members("fold 2", [2, 3], 12, Tiny),
        .. SequenceJob.Members("final model", [1, 2, 3], 10, Tiny),
    ];

    [Test]
    public void Run_InTwoWorkerProcesses_GivesTheSameWeightsAsInProcess()
    {
        var clips = Clips();
        var jobs = Jobs();
        int done = 0;

        var reference = new InProcessJobRunner().Run(clips, jobs, Tiny, (_, _) => { }, CancellationToken.None);
        var parallel = new WorkerProcessJobRunner(2, TrainerProcess.Current).Run(clips, jobs, Tiny, (_, _) => Interlocked.Increment(ref done), CancellationToken.None);

        try
        {
            Assert.That(done, Is.EqualTo(jobs.Length));
            Assert.That(parallel, Has.Count.EqualTo(jobs.Length));
            using var folder = new TempFolder("workers");
            for (int i = 0; i < jobs.Length; i++)
            {
                Assert.That(WeightBytes(parallel[i].Module, folder.Combine($"p{i}.bin")), Is.EqualTo(WeightBytes(reference[i].Module, folder.Combine($"r{i}.bin"))),
                    jobs[i].Name);
            }
            Assert.That(parallel.Select(f => f.EpochsRun), Is.EqualTo(new[] { 2, 3, 2, 3, 2, 3 }));
            // Different schedules really give different networks, so equality above is not vacuous.
            Assert.That(WeightBytes(reference[0].Module, folder.Combine("a.bin")), Is.Not.EqualTo(WeightBytes(reference[1].Module, folder.Combine("b.bin"))));
        }
        finally
        {
            foreach (var fit in reference.Concat(parallel))
            {
                fit.Module.Dispose();
            }
        }
    }

    [Test]
    public void Run_AJobAWorkerCannotTrain_FailsWithTheWorkersMessage()
    {
        // Actor 9 has no clips: the worker's fit refuses an empty training set.
        SequenceJob[] jobs = [new("fold 3, member 1", [9], Seed: 1, Epochs: 2)];

        var e = Assert.Throws<TrainingWorkerException>(() =>
            new WorkerProcessJobRunner(2, TrainerProcess.Current).Run(Clips(), jobs, Tiny, (_, _) => { }, CancellationToken.None));

        Assert.That(e!.Message, Does.Contain("fold 3, member 1").And.Contain("exit 1").And.Contain("needs examples"));
    }

    [Test]
    public void Run_Cancelled_StopsTheWorkersAndThrows()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var slow = Tiny with { Epochs = 100_000 };

        Assert.That(() => new WorkerProcessJobRunner(2, TrainerProcess.Current).Run(Clips(), Jobs(), slow, (_, _) => { }, cancel.Token),
            Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void Worker_WhoseTrainProcessHasExited_StopsWithAClearError()
    {
        using var folder = new TempFolder("orphan");
        var data = folder.Combine("sequences.bin");
        SequenceDataFile.Write(data, Clips());
        using var gone = Process.Start(new ProcessStartInfo("true"))!;
        gone.WaitForExit();
        var weights = folder.Combine("job.bin");
        var job = new SequenceWorkerJob(data, Tiny, new SequenceJob("orphan", [1, 2], Seed: 1, Epochs: 100_000), weights,
            folder.Combine("job.result.json"), gone.Id);
        var jobFile = folder.Combine("job.json");
        File.WriteAllText(jobFile, JsonSerializer.Serialize(job, WorkerProcessJobRunner.Json));
        // Without the parent check the worker would train for an hour; the test gives up (and fails) after a minute.
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(1));

        var e = Assert.Throws<TrainingWorkerException>(() => TrainerProcess.Current.RunWorker(jobFile, "orphan", patience.Token));

        Assert.That(e!.Message, Does.Contain($"pid {gone.Id}").And.Contain("has exited"));
        Assert.That(File.Exists(weights), Is.False);
    }

    [Test]
    public void DataFile_WriteThenRead_ReturnsTheClipsBitForBitInOrder()
    {
        using var folder = new TempFolder("sequences");
        var clips = Clips();
        var path = folder.Combine("sequences.bin");

        SequenceDataFile.Write(path, clips);
        var read = SequenceDataFile.Read(path);

        Assert.That(read.Select(c => (c.Path, c.ContentHash, c.Actor, c.Emotion)), Is.EqualTo(clips.Select(c => (c.Path, c.ContentHash, c.Actor, c.Emotion))));
        for (int i = 0; i < clips.Count; i++)
        {
            Assert.That(read[i].Features.Sequence.Frames, Is.EqualTo(clips[i].Features.Sequence.Frames));
            Assert.That(read[i].Features.Sequence.Values.ToArray(), Is.EqualTo(clips[i].Features.Sequence.Values.ToArray()));
        }
    }

    [Test]
    public void DataFile_CutShort_IsRefusedAsIncomplete()
    {
        using var folder = new TempFolder("sequences");
        var path = folder.Combine("sequences.bin");
        SequenceDataFile.Write(path, Clips());
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var e = Assert.Throws<InvalidDataException>(() => SequenceDataFile.Read(path));

        Assert.That(e!.Message, Does.Contain("ends early"));
    }


    private static byte[] WeightBytes(nn.Module module, string path)
    {
        module.save(path);
        return File.ReadAllBytes(path);
    }
}
