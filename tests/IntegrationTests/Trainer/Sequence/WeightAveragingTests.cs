using EmotionRecognition.Trainer.Settings;
using EmotionRecognition.Infrastructure.Configuration;
using EmotionRecognition.Trainer.Sequence;
using EmotionRecognition.Trainer.Training;
using static TorchSharp.torch;

namespace EmotionRecognition.IntegrationTests.Trainer.Sequence;

/// <summary>
/// Each CRNN is the mean of its weights over the tail of its schedule: nothing is chosen on held-out actors, so every
/// non-test actor trains.
/// </summary>
public sealed class WeightAveragingTests
{
    private static readonly SequenceTrainingOptions Averaging = SequenceTrainerTests.Tiny with { Epochs = 5, AverageLastShare = 0.4 };

    [Test]
    public void Fit_AveragingTheLastEpochs_ReturnsTheMeanOfThoseEpochsWeights()
    {
        var train = SequenceTrainerTests.Synthetic(perClass: 3, seed: 1);
        var seen = new List<Dictionary<string, Tensor>>();

        var fit = SequenceTrainer.Fit(train, Averaging, seed: 5, CancellationToken.None, (epoch, module) =>
            seen.Add(module.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone())));
        using var averaged = fit.Module;

        Assert.That(Averaging.AveragedEpochs, Is.EqualTo(2));
        Assert.That(fit.EpochsRun, Is.EqualTo(Averaging.Epochs), "no epoch is selected: the whole schedule runs");
        foreach (var (name, parameter) in averaged.named_parameters())
        {
            using var expected = (seen[3][name] + seen[4][name]) / 2;
            Assert.That(parameter.allclose(expected, rtol: 1e-5, atol: 1e-6), Is.True, name);
            Assert.That(parameter.allclose(seen[4][name]), Is.False, $"{name} is the last epoch's, not the mean");
        }
        seen.SelectMany(s => s.Values).ToList().ForEach(t => t.Dispose());
    }

    [Test]
    public void Fit_Averaging_ReestimatesBatchNormStatisticsForTheAveragedWeights()
    {
        var train = SequenceTrainerTests.Synthetic(perClass: 3, seed: 1);
        Dictionary<string, Tensor>? last = null;

        var fit = SequenceTrainer.Fit(train, Averaging, seed: 5, CancellationToken.None, (epoch, module) =>
        {
            if (epoch == Averaging.Epochs)
            {
                last = module.named_buffers().ToDictionary(b => b.name, b => b.buffer.detach().clone());
            }
        });
        using var averaged = fit.Module;

        var means = averaged.named_buffers().Where(b => b.name.EndsWith("running_mean")).ToArray();
        Assert.That(means, Is.Not.Empty);
        foreach (var (name, buffer) in means)
        {
            Assert.That(buffer.allclose(last![name]), Is.False, $"{name} still holds the last epoch's statistics");
        }
    }

    [Test]
    public void Fit_AveragingSameSeedTwice_GivesIdenticalWeights()
    {
        var train = SequenceTrainerTests.Synthetic(perClass: 3, seed: 1);

        using var first = SequenceTrainer.Fit(train, Averaging, seed: 9, CancellationToken.None).Module;
        using var second = SequenceTrainer.Fit(train, Averaging, seed: 9, CancellationToken.None).Module;

        var a = first.state_dict();
        var b = second.state_dict();
        foreach (var key in a.Keys)
        {
            Assert.That(a[key].eq(b[key]).all().item<bool>(), Is.True, key);
        }
    }

    [Test]
    public void Jobs_TrainOnTheFoldsTrainingAndValidationActors_NeverItsTestActors()
    {
        var fold = new ActorFold(1, TestActors: [3, 9], ValidationActors: [2, 15], TrainingActors: [1, 4, 5, 6]);

        var jobs = SequenceCrossValidation.Jobs([fold], SequenceTrainingOptions.Default, seed: 100).ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(jobs, Has.Length.EqualTo(SequenceTrainingOptions.Default.Members));
            Assert.That(jobs.Select(j => j.TrainingActors), Is.All.EqualTo(new[] { 1, 2, 4, 5, 6, 15 }));
            Assert.That(jobs.Select(j => j.Seed), Is.EqualTo(new[] { 101, 1101, 101, 101, 101 }), "member k of a group (2x100 pitch, 1x150 pitch, 1x100, 1x150): seed + fold + 1000·k");
        });
    }

    [Test]
    public void Options_AverageShare_AveragesTheLastFifthOfEachSchedule()
    {
        var options = SequenceTrainingOptions.Default;

        Assert.That((options with { Epochs = 100 }).AveragedEpochs, Is.EqualTo(20));
        Assert.That((options with { Epochs = 150 }).AveragedEpochs, Is.EqualTo(30));
        Assert.That((options with { Epochs = 2 }).AveragedEpochs, Is.EqualTo(1), "at least the last epoch");
    }
}
