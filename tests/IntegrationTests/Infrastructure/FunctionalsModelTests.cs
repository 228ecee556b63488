using EmotionRecognition.Application.Features;
using EmotionRecognition.Infrastructure.Models;

namespace EmotionRecognition.IntegrationTests.Infrastructure;

/// <summary><see cref="FunctionalsModel"/>: its probabilities, the served mix with the CRNN, and the checks before serving.</summary>
public sealed class FunctionalsModelTests
{
    /// <summary>Two functionals, three classes: too small for <see cref="FunctionalsModel.Problem"/>, fine for the arithmetic.</summary>
    private static FunctionalsModel Small(double weight = 0.25) => new(
        ClipFunctionals.LayoutName,
        weight,
        L2: 0.01,
        Mean: [1.0, -2.0],
        Std: [2.0, 0.5],
        Coefficients: [[1.0, 0.0], [0.0, -1.0], [0.5, 0.5]],
        Intercepts: [0.1, -0.2, 0.0]);

    // x = [3, −1.5] standardises to z = [(3 − 1)/2, (−1.5 + 2)/0.5] = [1, 1];
    // scores b + W·z = [0.1 + 1, −0.2 − 1, 0 + 0.5 + 0.5] = [1.1, −1.2, 1.0].
    private static readonly float[] X = [3f, -1.5f];
    private static readonly double[] Scores = [1.1, -1.2, 1.0];

    private static float[] Softmax(double[] scores)
    {
        var sum = scores.Sum(Math.Exp);
        return scores.Select(s => (float)(Math.Exp(s) / sum)).ToArray();
    }

    private const int Classes = 8;
    private const int Bands = 64;

    /// <summary>A valid model of the real size: <see cref="ClipFunctionals.Count"/>(64) functionals, 8 classes. Fresh arrays each call.</summary>
    private static FunctionalsModel Real(
        string layout = ClipFunctionals.LayoutName, double weight = 0.3, int? meanCount = null, int classes = Classes,
        double[]? std = null, double[][]? coefficients = null)
    {
        var size = ClipFunctionals.Count(Bands);
        return new FunctionalsModel(
            layout,
            weight,
            L2: 0.1,
            Mean: Enumerable.Range(0, meanCount ?? size).Select(j => 0.01 * j).ToArray(),
            Std: std ?? Enumerable.Repeat(1.5, size).ToArray(),
            Coefficients: coefficients ?? Enumerable.Range(0, classes).Select(k => Enumerable.Repeat(0.01 * k, size).ToArray()).ToArray(),
            Intercepts: Enumerable.Range(0, classes).Select(k => 0.1 * k).ToArray());
    }

    private static double[][] RealCoefficients() =>
        Enumerable.Range(0, Classes).Select(_ => new double[ClipFunctionals.Count(Bands)]).ToArray();

    [Test]
    public void Probabilities_AreTheSoftmaxOfInterceptsPlusCoefficientsTimesStandardisedInputs()
    {
        var p = Small().Probabilities(X);

        Assert.That(p, Is.EqualTo(Softmax(Scores)).Within(1e-6f));
        Assert.That(p.Sum(), Is.EqualTo(1f).Within(1e-6f));
    }

    [Test]
    public void Probabilities_HugeScores_StayFiniteAndSumToOne()
    {
        var model = Small() with { Intercepts = [800.0, 0.0, -800.0] };

        var p = model.Probabilities(X);

        Assert.That(p, Is.All.Matches<float>(float.IsFinite));
        Assert.That(p.Sum(), Is.EqualTo(1f).Within(1e-6f));
        Assert.That(p[0], Is.EqualTo(1f).Within(1e-6f));
    }

    [Test]
    public void Probabilities_WrongVectorLength_IsRefusedNamingBothLengths() =>
        Assert.That(() => Small().Probabilities([1f, 2f, 3f]),
            Throws.ArgumentException.With.Message.Contains("3 functionals").And.Message.Contains("takes 2"));

    [Test]
    public void Mix_IsOneMinusWeightTimesTheNetworkPlusWeightTimesItsOwn()
    {
        float[] network = [0.2f, 0.5f, 0.3f];
        var own = Softmax(Scores);

        var mixed = Small(weight: 0.25).Mix(network, X);

        Assert.That(mixed, Is.EqualTo(network.Zip(own).Select(p => 0.75f * p.First + 0.25f * p.Second).ToArray()).Within(1e-6f));
        Assert.That(mixed.Sum(), Is.EqualTo(1f).Within(1e-6f));
    }

    [Test]
    public void Mix_NetworkWithADifferentClassCount_IsRefusedNamingBoth() =>
        Assert.That(() => Small().Mix([0.5f, 0.5f], X),
            Throws.ArgumentException.With.Message.Contains("2 classes").And.Message.Contains("model 3"));

    [Test]
    public void Problem_ValidModelOfTheRealLayout_IsNone() =>
        Assert.That(Real().Problem(Classes, Bands), Is.Null);

    [Test]
    public void Problem_OtherLayout_NamesIt() =>
        Assert.That(Real(layout: "clip-functionals-v0").Problem(Classes, Bands),
            Does.Contain("clip-functionals-v0").And.Contain(ClipFunctionals.LayoutName));

    [TestCase(0.0)]
    [TestCase(1.0)]
    [TestCase(-0.2)]
    [TestCase(double.NaN)]
    public void Problem_WeightNotStrictlyBetweenZeroAndOne_IsReported(double weight) =>
        Assert.That(Real(weight: weight).Problem(Classes, Bands), Does.Contain("weight"));

    [Test]
    public void Problem_WrongMeanLength_NamesTheCounts() =>
        Assert.That(Real(meanCount: 572).Problem(Classes, Bands), Does.Contain("572").And.Contain("573"));

    [Test]
    public void Problem_ClipsOfAnotherBandCount_AreReported() =>
        Assert.That(Real().Problem(Classes, 40), Does.Contain("40-band").And.Contain(ClipFunctionals.Count(40).ToString()));

    [Test]
    public void Problem_WrongNumberOfCoefficientRows_IsReported() =>
        Assert.That(Real(classes: 7).Problem(Classes, Bands), Does.Contain("8 rows of 573"));

    [Test]
    public void Problem_CoefficientRowOfTheWrongLength_IsReported()
    {
        var coefficients = RealCoefficients();
        coefficients[3] = new double[572];

        Assert.That(Real(coefficients: coefficients).Problem(Classes, Bands), Does.Contain("8 rows of 573"));
    }

    [Test]
    public void Problem_NaNCoefficient_IsReported()
    {
        var coefficients = RealCoefficients();
        coefficients[5][100] = double.NaN;

        Assert.That(Real(coefficients: coefficients).Problem(Classes, Bands), Does.Contain("not a finite number"));
    }

    [TestCase(0.0)]
    [TestCase(-1.0)]
    [TestCase(double.PositiveInfinity)]
    public void Problem_DeviationNotPositiveAndFinite_IsReported(double bad)
    {
        var std = Enumerable.Repeat(1.0, ClipFunctionals.Count(Bands)).ToArray();
        std[42] = bad;

        Assert.That(Real(std: std).Problem(Classes, Bands), Does.Contain("deviation"));
    }
}
