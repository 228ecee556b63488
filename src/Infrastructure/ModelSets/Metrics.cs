namespace EmotionRecognition.Infrastructure.ModelSets;

/// <summary>
/// How well predictions match the truth over one set of examples. Recall and the confusion
/// matrix follow the label order; the confusion matrix's rows are the true class, columns the
/// predicted class.
/// </summary>
public sealed record ClassificationMetrics(
    int Examples,
    double Accuracy,
    double MacroF1,
    IReadOnlyList<double> RecallPerClass,
    int[][] ConfusionMatrix)
{
    public static ClassificationMetrics From(IReadOnlyList<int> truth, IReadOnlyList<int> predicted, int classes)
    {
        if (truth.Count != predicted.Count)
        {
            throw new ArgumentException($"{truth.Count} true labels but {predicted.Count} predictions.");
        }
        var confusion = new int[classes][];
        for (int i = 0; i < classes; i++)
        {
            confusion[i] = new int[classes];
        }
        for (int n = 0; n < truth.Count; n++)
        {
            confusion[truth[n]][predicted[n]]++;
        }
        return FromConfusion(confusion);
    }

    public static ClassificationMetrics FromConfusion(int[][] confusion)
    {
        int classes = confusion.Length;
        int total = confusion.Sum(row => row.Sum());
        int correct = Enumerable.Range(0, classes).Sum(i => confusion[i][i]);
        var recall = new double[classes];
        double f1Sum = 0;
        for (int c = 0; c < classes; c++)
        {
            int actual = confusion[c].Sum();
            int predictedAs = confusion.Sum(row => row[c]);
            recall[c] = actual == 0 ? 0 : (double)confusion[c][c] / actual;
            double precision = predictedAs == 0 ? 0 : (double)confusion[c][c] / predictedAs;
            // F1 of a class nobody predicted and nobody is counts as 0, as scikit-learn's default.
            f1Sum += precision + recall[c] == 0 ? 0 : 2 * precision * recall[c] / (precision + recall[c]);
        }
        return new ClassificationMetrics(
            total,
            total == 0 ? 0 : (double)correct / total,
            classes == 0 ? 0 : f1Sum / classes,
            recall,
            confusion.Select(row => row.ToArray()).ToArray());
    }
}

/// <summary>
/// Speaker-independent cross-validation: metrics pooled over all folds' test actors (every clip
/// predicted exactly once, by a model that never heard its speaker) plus the spread over folds.
/// </summary>
/// <param name="Protocol">Plain-text description of the splits, e.g. "5-fold cross-validation by actor over actors 01-20 …".</param>
/// <param name="Folds">Number of folds.</param>
/// <param name="Pooled">Metrics over all test predictions of all folds.</param>
/// <param name="FoldAccuracies">Accuracy of each fold, in fold order.</param>
/// <param name="FoldMacroF1">Macro-F1 of each fold, in fold order.</param>
public sealed record CrossValidatedMetrics(
    string Protocol,
    int Folds,
    ClassificationMetrics Pooled,
    IReadOnlyList<double> FoldAccuracies,
    IReadOnlyList<double> FoldMacroF1)
{
    /// <summary>
    /// Pooled accuracy and macro-F1 of the same folds' networks on the same test clips under each recording condition of the
    /// benchmark (noise, level, band limits, codecs, echo…), by condition name in benchmark order; null when not measured.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ConditionScore>? Conditions { get; init; }

    public double AccuracyMean => FoldAccuracies.Average();

    public double AccuracySd => SampleSd(FoldAccuracies);

    public double MacroF1Mean => FoldMacroF1.Average();

    public double MacroF1Sd => SampleSd(FoldMacroF1);

    /// <summary>Sample standard deviation (n - 1), 0 for a single value.</summary>
    private static double SampleSd(IReadOnlyList<double> values)
    {
        if (values.Count < 2)
        {
            return 0;
        }
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }
}

/// <summary>Cross-validated metrics under one recording condition (<see cref="CrossValidatedMetrics.Conditions"/>).</summary>
public sealed record ConditionScore(string Condition, double Accuracy, double MacroF1);
