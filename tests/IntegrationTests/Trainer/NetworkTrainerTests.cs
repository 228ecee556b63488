using EmotionRecognition.Trainer.Settings;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Configuration;
using EmotionRecognition.Infrastructure.Models;
using EmotionRecognition.Infrastructure.ModelSets;
using EmotionRecognition.IntegrationTests.Infrastructure;
using EmotionRecognition.Trainer.Training;

namespace EmotionRecognition.IntegrationTests.Trainer;

[TestFixture]
public sealed class NetworkTrainerTests
{
    private static readonly TrainingOptions Fast = TrainingOptions.Default with { Epochs = 30, Patience = 8, Threads = 1 };

    /// <summary>Actors 1-4 train, 5 stops early, 6 and 7 are never seen until the test.</summary>
    private static (LabeledMatrix Train, LabeledMatrix Validation, LabeledMatrix Test) Data(int seed = 11)
    {
        var clips = Synthetic.Clips(actors: 7, clipsPerEmotion: 4, seed);
        var fold = new ActorFold(1, [6, 7], [5], [1, 2, 3, 4]);
        var (train, validation, test, _) = CrossValidation.Split(clips, [], fold);
        return (train, validation, test);
    }

    [TestCase(NetworkType.Dnn)]
    [TestCase(NetworkType.Cnn)]
    public void Fit_SyntheticClusters_ClassifiesUnseenActorsWellAboveChance(NetworkType network)
    {
        var (train, validation, test) = Data();

        var fit = NetworkTrainer.Fit(network, NetworkArchitectures.Default(network), train, validation, Fast, seed: 1, CancellationToken.None);
        using var module = fit.Module;
        var predicted = NetworkTrainer.PredictClasses(module, test.Rows);

        var accuracy = ClassificationMetrics.From(test.Classes, predicted, Emotions.Count).Accuracy;
        Assert.That(accuracy, Is.GreaterThan(0.8), "chance is 0.125");
        Assert.That(fit.BestEpoch, Is.InRange(1, fit.EpochsRun));
    }

    [TestCase(NetworkType.Dnn)]
    [TestCase(NetworkType.Cnn)]
    public void Fit_SameSeedTwice_ByteIdenticalWeights(NetworkType network)
    {
        var (train, validation, _) = Data();
        using var folder = new TempFolder();

        byte[] Train(int seed, string file)
        {
            var fit = NetworkTrainer.Fit(network, NetworkArchitectures.Default(network), train, validation, Fast with { Epochs = 3 }, seed, CancellationToken.None);
            using var module = fit.Module;
            module.save(folder.Combine(file));
            return File.ReadAllBytes(folder.Combine(file));
        }

        var first = Train(5, "a.bin");
        var second = Train(5, "b.bin");
        var otherSeed = Train(6, "c.bin");

        Assert.That(second, Is.EqualTo(first));
        Assert.That(otherSeed, Is.Not.EqualTo(first));
    }

    [Test]
    public void Fit_Cancelled_Throws()
    {
        var (train, validation, _) = Data();
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.Throws<OperationCanceledException>(() =>
            NetworkTrainer.Fit(NetworkType.Dnn, NetworkArchitectures.Default(NetworkType.Dnn), train, validation, Fast, 1, cts.Token));
    }

    [Test]
    public void Split_StandardisesWithTrainingActorsOnly()
    {
        var clips = Synthetic.Clips(actors: 7, clipsPerEmotion: 2, seed: 3);
        var fold = new ActorFold(1, [6, 7], [5], [1, 2, 3, 4]);

        var augmented = clips.Select(c => c with { Features = c.Features.Select(v => v * 1.1f).ToArray() }).ToArray();

        var (train, validation, test, standardization) = CrossValidation.Split(clips, augmented, fold);

        var expected = Standardization.Fit(clips.Where(c => c.Actor <= 4).Select(c => c.Features).ToArray());
        Assert.That(standardization.Mean, Is.EqualTo(expected.Mean));
        Assert.That(standardization.Std, Is.EqualTo(expected.Std));
        // The plain training rows are centred; the augmented copies of actors 1-4 (only) follow them.
        var plainMean = Enumerable.Range(0, Synthetic.Width).Select(j => train.Rows.Take(4 * 8 * 2).Average(r => r[j])).ToArray();
        Assert.That(plainMean, Has.All.EqualTo(0).Within(1e-4));
        Assert.That(train.Count, Is.EqualTo(2 * 4 * 8 * 2));
        Assert.That((validation.Count, test.Count), Is.EqualTo((8 * 2, 2 * 8 * 2)));
    }
}
