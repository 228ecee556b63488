using EmotionRecognition.Infrastructure.ModelSets;

namespace EmotionRecognition.IntegrationTests.Trainer;

[TestFixture]
public sealed class MetricsTests
{
    [Test]
    public void From_KnownPredictions_GivesHandComputedMetrics()
    {
        // class 0: 3 true, 2 right, 1 called class 1; class 1: 1 true, right; class 2: 2 true, both called class 1.
        int[] truth = [0, 0, 0, 1, 2, 2];
        int[] predicted = [0, 0, 1, 1, 1, 1];

        var m = ClassificationMetrics.From(truth, predicted, 3);

        Assert.That(m.Accuracy, Is.EqualTo(3.0 / 6).Within(1e-12));
        Assert.That(m.RecallPerClass, Is.EqualTo(new[] { 2.0 / 3, 1.0, 0.0 }).Within(1e-12));
        // F1: class 0 precision 1, recall 2/3 -> 0.8; class 1 precision 1/4, recall 1 -> 0.4; class 2 -> 0.
        Assert.That(m.MacroF1, Is.EqualTo((0.8 + 0.4 + 0) / 3).Within(1e-12));
        Assert.That(m.ConfusionMatrix, Is.EqualTo(new[] { new[] { 2, 1, 0 }, new[] { 0, 1, 0 }, new[] { 0, 2, 0 } }));
    }

    [Test]
    public void CrossValidated_MeanAndSampleSd_OverFolds()
    {
        var pooled = ClassificationMetrics.From([0], [0], 2);

        var cv = new CrossValidatedMetrics("p", 3, pooled, [0.2, 0.4, 0.6], [0.1, 0.1, 0.1]);

        Assert.That(cv.AccuracyMean, Is.EqualTo(0.4).Within(1e-12));
        Assert.That(cv.AccuracySd, Is.EqualTo(0.2).Within(1e-12));
        Assert.That(cv.MacroF1Sd, Is.EqualTo(0).Within(1e-12));
    }

    [Test]
    public void From_LengthMismatch_Throws()
    {
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.From([0, 1], [0], 2));
    }
}
