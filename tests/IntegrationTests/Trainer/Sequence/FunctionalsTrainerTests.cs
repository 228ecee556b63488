using EmotionRecognition.Application.Features;
using EmotionRecognition.Infrastructure.Models;
using EmotionRecognition.Trainer.Sequence;

namespace EmotionRecognition.IntegrationTests.Trainer.Sequence;

/// <summary>
/// <see cref="FunctionalsTrainer"/>: standardise, then multinomial logistic regression with a ridge penalty on the weights
/// (not the intercepts), fitted by L-BFGS. Synthetic data only; no libtorch.
/// </summary>
public sealed class FunctionalsTrainerTests
{
    /// <summary>Gaussian blobs (σ = <paramref name="spread"/>) around per-class centres, with features on very different scales.</summary>
    private static (List<float[]> X, List<int> Y) Blobs(int[] perClass, double[][] centres, double spread, int seed)
    {
        var random = new Random(seed);
        double[] scale = [1, 100, 0.01, 5];
        var x = new List<float[]>();
        var y = new List<int>();
        for (var k = 0; k < perClass.Length; k++)
        {
            for (var i = 0; i < perClass[k]; i++)
            {
                var v = new float[centres[k].Length];
                for (var j = 0; j < v.Length; j++)
                    v[j] = (float)(scale[j % scale.Length] * (centres[k][j] + spread * Gaussian(random)) + 10 * j);
                x.Add(v);
                y.Add(k);
            }
        }

        return (x, y);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static readonly double[][] Centres =
    [
        [0, 0, 0, 0],
        [4, 0, -3, 1],
        [0, 4, 3, -1],
    ];

    private static int ArgMax(float[] p) => Array.IndexOf(p, p.Max());

    [Test]
    public void Fit_WellSeparatedBlobs_ClassifiesHeldOutPointsCorrectly()
    {
        var (trainX, trainY) = Blobs([40, 40, 40], Centres, spread: 0.7, seed: 1);
        var (testX, testY) = Blobs([50, 50, 50], Centres, spread: 0.7, seed: 2);

        var model = FunctionalsTrainer.Fit(trainX, trainY, classCount: 3, l2: 1e-3, weight: 0.3);

        var correct = testX.Zip(testY).Count(p => ArgMax(model.Probabilities(p.First)) == p.Second);
        Assert.That(correct, Is.GreaterThanOrEqualTo(147), $"{correct} of 150 held-out points");
    }

    [Test]
    public void Fit_ReturnsAModelOfTheCurrentLayoutWithTheGivenWeightAndPenalty()
    {
        var (x, y) = Blobs([10, 10, 10], Centres, spread: 1, seed: 3);

        var model = FunctionalsTrainer.Fit(x, y, classCount: 3, l2: 0.05, weight: 0.35);

        Assert.Multiple(() =>
        {
            Assert.That(model.Layout, Is.EqualTo(ClipFunctionals.LayoutName));
            Assert.That(model.Weight, Is.EqualTo(0.35));
            Assert.That(model.L2, Is.EqualTo(0.05));
            Assert.That(model.Mean, Has.Count.EqualTo(4));
            Assert.That(model.Std, Has.Count.EqualTo(4));
            Assert.That(model.Coefficients, Has.Count.EqualTo(3).And.All.Count.EqualTo(4));
            Assert.That(model.Intercepts, Has.Count.EqualTo(3));
        });
    }

    [Test]
    public void Fit_StoresTheTrainingMeansAndPopulationDeviations()
    {
        var (x, y) = Blobs([7, 9, 5], Centres, spread: 1, seed: 4);

        var model = FunctionalsTrainer.Fit(x, y, classCount: 3, l2: 0.1, weight: 0.2);

        for (var j = 0; j < 4; j++)
        {
            var column = x.Select(v => (double)v[j]).ToArray();
            var mean = column.Average();
            var std = Math.Sqrt(column.Average(v => (v - mean) * (v - mean)));
            Assert.That(model.Mean[j], Is.EqualTo(mean).Within(1e-9 * Math.Max(1, Math.Abs(mean))), $"mean {j}");
            Assert.That(model.Std[j], Is.EqualTo(std).Within(1e-9 * std), $"std {j}");
        }
    }

    [TestCase(0.1)]
    [TestCase(0.003)]
    public void Fit_IsTheMinimum_GradientOfPenalisedMeanCrossEntropyIsZero(double l2)
    {
        // Overlapping blobs: the data term and the penalty both matter at the optimum.
        var (x, y) = Blobs([30, 20, 25], Centres, spread: 2.5, seed: 5);
        int n = x.Count, d = 4, classes = 3;

        var model = FunctionalsTrainer.Fit(x, y, classes, l2, weight: 0.25);

        // ∂/∂W_kj = mean_i (p_ik − [y_i = k]) · z_ij + l2 · W_kj,   ∂/∂b_k = mean_i (p_ik − [y_i = k]),
        // z_ij = (x_ij − Mean_j) / Std_j, p from the model itself.
        var gradientW = new double[classes, d];
        var gradientB = new double[classes];
        for (var i = 0; i < n; i++)
        {
            var p = model.Probabilities(x[i]);
            for (var k = 0; k < classes; k++)
            {
                var residual = (p[k] - (y[i] == k ? 1.0 : 0.0)) / n;
                gradientB[k] += residual;
                for (var j = 0; j < d; j++)
                    gradientW[k, j] += residual * ((x[i][j] - model.Mean[j]) / model.Std[j]);
            }
        }

        for (var k = 0; k < classes; k++)
        {
            for (var j = 0; j < d; j++)
                gradientW[k, j] += l2 * model.Coefficients[k][j];
        }

        // Probabilities are floats (~1e-7 relative), so the gradient computed from them is that accurate.
        Assert.That(gradientW.Cast<double>().Concat(gradientB).Max(Math.Abs), Is.LessThan(2e-6));
        Assert.That(model.Coefficients.SelectMany(r => r).Max(Math.Abs), Is.GreaterThan(0.1), "the data moved the weights off 0");
    }

    [Test]
    public void Fit_HugePenalty_GivesZeroWeightsAndTheTrainingClassFrequencies()
    {
        var (x, y) = Blobs([10, 20, 30], Centres, spread: 0.7, seed: 6);

        var model = FunctionalsTrainer.Fit(x, y, classCount: 3, l2: 1e6, weight: 0.3);

        Assert.That(model.Coefficients.SelectMany(r => r).Max(Math.Abs), Is.LessThan(1e-5));
        // Intercepts are not penalised: softmax(b) is the maximum-likelihood class distribution, 10/60, 20/60, 30/60.
        foreach (var point in new[] { x[0], x[15], x[59] })
            Assert.That(model.Probabilities(point), Is.EqualTo(new[] { 1f / 6, 2f / 6, 3f / 6 }).Within(1e-4f));
        Assert.That(model.Intercepts[2] - model.Intercepts[0], Is.EqualTo(Math.Log(3)).Within(1e-4));
    }

    [Test]
    public void Fit_SameInputsTwice_GivesTheSameModel()
    {
        var (x, y) = Blobs([15, 15, 15], Centres, spread: 1.5, seed: 7);

        var first = FunctionalsTrainer.Fit(x, y, classCount: 3, l2: 0.01, weight: 0.3);
        var second = FunctionalsTrainer.Fit(x, y, classCount: 3, l2: 0.01, weight: 0.3);

        Assert.Multiple(() =>
        {
            Assert.That(second.Mean, Is.EqualTo(first.Mean));
            Assert.That(second.Std, Is.EqualTo(first.Std));
            Assert.That(second.Coefficients, Is.EqualTo(first.Coefficients));
            Assert.That(second.Intercepts, Is.EqualTo(first.Intercepts));
        });
    }

    [Test]
    public void Fit_ConstantFeature_GetsStdOneAndZeroWeightAndTheFitStillWorks()
    {
        var (trainX, trainY) = Blobs([30, 30, 30], Centres, spread: 0.7, seed: 8);
        var (testX, testY) = Blobs([30, 30, 30], Centres, spread: 0.7, seed: 9);
        static float[] WithConstant(float[] v) => [.. v, 5f];

        var model = FunctionalsTrainer.Fit(trainX.Select(WithConstant).ToList(), trainY, classCount: 3, l2: 1e-3, weight: 0.3);

        Assert.Multiple(() =>
        {
            Assert.That(model.Std[4], Is.EqualTo(1.0));
            Assert.That(model.Mean[4], Is.EqualTo(5.0));
            Assert.That(model.Coefficients.Select(r => r[4]), Is.All.EqualTo(0.0).Within(1e-12));
            Assert.That(model.Coefficients.SelectMany(r => r).Concat(model.Intercepts), Is.All.Matches<double>(double.IsFinite));
        });
        var correct = testX.Zip(testY).Count(p => ArgMax(model.Probabilities(WithConstant(p.First))) == p.Second);
        Assert.That(correct, Is.GreaterThanOrEqualTo(88), $"{correct} of 90 held-out points");
    }

    [Test]
    public void Fit_NoClips_IsRefused() =>
        Assert.That(() => FunctionalsTrainer.Fit([], [], classCount: 3, l2: 0.1, weight: 0.3),
            Throws.ArgumentException.With.Message.Contains("at least one clip"));

    [Test]
    public void Fit_ClipAndClassCountsDiffer_IsRefusedNamingBoth() =>
        Assert.That(() => FunctionalsTrainer.Fit([[1f, 2f], [3f, 4f], [5f, 6f]], [0, 1], classCount: 3, l2: 0.1, weight: 0.3),
            Throws.ArgumentException.With.Message.Contains("3 clips").And.Message.Contains("2 classes"));

    [Test]
    public void Fit_RaggedVectors_AreRefused() =>
        Assert.That(() => FunctionalsTrainer.Fit([[1f, 2f], [3f, 4f, 5f]], [0, 1], classCount: 2, l2: 0.1, weight: 0.3),
            Throws.ArgumentException.With.Message.Contains("same number of functionals"));

    [TestCase(3)]
    [TestCase(-1)]
    public void Fit_ClassIndexOutOfRange_IsRefused(int bad) =>
        Assert.That(() => FunctionalsTrainer.Fit([[1f], [2f], [3f]], [0, bad, 2], classCount: 3, l2: 0.1, weight: 0.3),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("0 to 2"));

    [TestCase(-0.1)]
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void Fit_PenaltyNegativeOrNotFinite_IsRefused(double l2) =>
        Assert.That(() => FunctionalsTrainer.Fit([[1f], [2f]], [0, 1], classCount: 2, l2, weight: 0.3),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("ridge penalty"));

    [Test]
    public void Fit_ZeroPenalty_IsAccepted()
    {
        // Overlapping classes, so the unpenalised optimum is finite.
        var (x, y) = Blobs([20, 20, 20], Centres, spread: 3, seed: 10);

        FunctionalsModel model = FunctionalsTrainer.Fit(x, y, classCount: 3, l2: 0, weight: 0.3);

        Assert.That(model.Coefficients.SelectMany(r => r).Concat(model.Intercepts), Is.All.Matches<double>(double.IsFinite));
    }
}
