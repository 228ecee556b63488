using System.Globalization;
using System.Text;
using System.Text.Json;
using EmotionRecognition.Trainer.Settings;
using EmotionRecognition.Infrastructure.ModelSets;
using ScottPlot;

namespace EmotionRecognition.Trainer.Reports;

/// <summary>Writes report.json, report.md and one confusion-matrix PNG per model into a folder.</summary>
internal static class ReportWriter
{
    public const string JsonFile = "report.json";
    public const string MarkdownFile = "report.md";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string ConfusionImageFile(string model) => $"confusion-{model.ToLowerInvariant()}.png";

    public const string ConditionsImageFile = "conditions.png";

    public static void Write(string folder, TrainingReport report)
    {
        File.WriteAllBytes(Path.Combine(folder, JsonFile), JsonSerializer.SerializeToUtf8Bytes(report, Json));
        File.WriteAllText(Path.Combine(folder, MarkdownFile), Markdown(report));
        foreach (var (model, metrics) in report.CrossValidation)
        {
            ConfusionPlot(model, metrics, report.Labels).SavePng(Path.Combine(folder, ConfusionImageFile(model)), 760, 680);
        }
        if (report.CrossValidation.Values.Any(m => m.Conditions is not null))
        {
            ConditionsPlot(report.CrossValidation).SavePng(Path.Combine(folder, ConditionsImageFile), 1100, 640);
        }
    }

    /// <summary>The condition benchmark as a table: one row per condition, clean first, each network's accuracy and macro-F1.</summary>
    public static void AppendConditions(StringBuilder md, IReadOnlyDictionary<string, CrossValidatedMetrics> models)
    {
        var measured = models.Where(kv => kv.Value.Conditions is not null).ToArray();
        if (measured.Length == 0)
        {
            return;
        }
        md.AppendLine("## Recording conditions").AppendLine();
        md.AppendLine($"The same folds' networks on the same speakers they never heard, each test clip also degraded in each of these " +
            $"ways (seeded; never the draws training saw; one clip in {Training.ConditionBenchmark.OneClipIn} of every fold, chosen by its content). " +
            "Accuracy, then macro-F1; the change from clean in points.").AppendLine();
        md.AppendLine($"![conditions]({ConditionsImageFile})").AppendLine();
        AppendConditionTable(md, "clean (all test clips)", measured.Select(m => new ConditionColumn(m.Key, m.Value.Pooled.Accuracy, m.Value.Pooled.MacroF1, m.Value.Conditions!)).ToArray());
    }

    /// <summary>One network's clean score and its scores under the benchmark's conditions, a column of <see cref="AppendConditionTable"/>.</summary>
    public sealed record ConditionColumn(string Network, double CleanAccuracy, double CleanMacroF1, IReadOnlyList<ConditionScore> Conditions);

    /// <summary>
    /// The condition table the report and <c>evaluate --conditions</c> print: clean first, then one row per condition, each cell
    /// the network's accuracy, macro-F1 and the change from its clean accuracy in points.
    /// </summary>
    public static void AppendConditionTable(StringBuilder md, string cleanRow, IReadOnlyList<ConditionColumn> columns)
    {
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine("| condition | " + string.Join(" | ", columns.Select(c => c.Network)) + " |");
        md.AppendLine("|---|" + string.Concat(columns.Select(_ => "---|")));
        md.AppendLine($"| {cleanRow} | " + string.Join(" | ", columns.Select(c =>
            string.Create(inv, $"{c.CleanAccuracy:P1}, {c.CleanMacroF1:F3}"))) + " |");
        foreach (var name in columns[0].Conditions.Select(c => c.Condition))
        {
            md.AppendLine($"| {name} | " + string.Join(" | ", columns.Select(c =>
            {
                var score = c.Conditions.FirstOrDefault(s => s.Condition == name);
                return score is null ? "–" : string.Create(inv,
                    $"{score.Accuracy:P1}, {score.MacroF1:F3} ({Points(score.Accuracy - c.CleanAccuracy):+0.0;−0.0})");
            })) + " |");
        }
        md.AppendLine();
    }

    /// <summary>A change of accuracy in points, rounded to the table's 0.1 and without a sign on zero: a change just under 0
    /// would otherwise print as "-+0.0".</summary>
    private static double Points(double change) => Math.Round(100 * change, 1) + 0.0;

    /// <summary>Accuracy per condition, one bar group per condition and one bar per network, clean first.</summary>
    public static Plot ConditionsPlot(IReadOnlyDictionary<string, CrossValidatedMetrics> models)
    {
        var plot = new Plot();
        var measured = models.Where(kv => kv.Value.Conditions is not null).ToArray();
        var names = new[] { "clean" }.Concat(measured[0].Value.Conditions!.Select(c => c.Condition)).ToArray();
        var palette = new ScottPlot.Palettes.Category10();
        for (int n = 0; n < measured.Length; n++)
        {
            var (model, metrics) = measured[n];
            var values = new[] { metrics.Pooled.Accuracy }.Concat(names.Skip(1).Select(name =>
                metrics.Conditions!.FirstOrDefault(c => c.Condition == name)?.Accuracy ?? 0)).ToArray();
            var bars = values.Select((v, i) => new Bar
            {
                Position = i * (measured.Length + 1) + n,
                Value = 100 * v,
                FillColor = palette.GetColor(n),
            }).ToArray();
            plot.Add.Bars(bars).LegendText = model;
        }
        var ticks = names.Select((_, i) => i * (measured.Length + 1) + (measured.Length - 1) / 2.0).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks, names);
        plot.Axes.Bottom.TickLabelStyle.Rotation = 60;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 170;
        plot.Axes.SetLimitsY(0, 100);
        plot.Add.HorizontalLine(12.5).LinePattern = LinePattern.Dotted;
        plot.YLabel("accuracy, % (chance 12.5 %)");
        plot.Title("Speaker-independent accuracy under recording conditions");
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    public static string Markdown(TrainingReport r)
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine($"# Training report `{r.SetId}`").AppendLine();
        md.AppendLine($"Created {r.CreatedAt:yyyy-MM-dd HH:mm:ss} UTC; seed {r.Options.Seed}; torch threads {r.Options.Threads}; " +
            $"feature profile `{r.Profile.Name}` v{r.Profile.Version} ({r.Profile.CoefficientCount} mean MFCCs).").AppendLine();
        md.AppendLine($"Data: `{r.DataFolder}`: {r.WavFilesFound} WAV files, {r.ClipsUsed} clips used from actors " +
            $"{Training.CrossValidation.FormatActors(r.Actors)}, {r.Skipped.Count} skipped; fingerprint `{r.DataFingerprint[..16]}…`; " +
            $"{r.AugmentedExamples} training copies (speed factors {(r.Options.SpeedPerturbation.Count == 0 ? "none" : string.Join(", ", r.Options.SpeedPerturbation.Select(f => f.ToString(inv))))}; " +
            $"{r.Options.ConditionCopies} recording-condition copies of each clip); features of {r.FeatureCacheHits} clips from the cache, {r.FeaturesExtracted} extracted.").AppendLine();
        md.AppendLine("## Speaker-independent cross-validation").AppendLine();
        md.AppendLine(r.Protocol).AppendLine();
        md.AppendLine("| model | accuracy (pooled) | accuracy per fold, mean ± sd | macro-F1 (pooled) | macro-F1 per fold, mean ± sd |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var (model, m) in r.CrossValidation)
        {
            md.AppendLine(string.Create(inv,
                $"| {model} | {m.Pooled.Accuracy:P1} | {m.AccuracyMean:P1} ± {m.AccuracySd:P1} | {m.Pooled.MacroF1:F3} | {m.MacroF1Mean:F3} ± {m.MacroF1Sd:F3} |"));
        }
        md.AppendLine().AppendLine("Chance is 1/8 = 12.5% (neutral has half as many clips as the other emotions).").AppendLine();
        md.AppendLine("### Recall per emotion (pooled)").AppendLine();
        md.AppendLine("| model | " + string.Join(" | ", r.Labels) + " |");
        md.AppendLine("|---|" + string.Concat(r.Labels.Select(_ => "---|")));
        foreach (var (model, m) in r.CrossValidation)
        {
            md.AppendLine($"| {model} | " + string.Join(" | ", m.Pooled.RecallPerClass.Select(x => x.ToString("P0", inv))) + " |");
        }
        md.AppendLine().AppendLine("### Folds (test actors)").AppendLine();
        md.AppendLine("| fold | test actors | validation actors | " + string.Join(" | ", r.CrossValidation.Keys.Select(k => k + " accuracy")) + " |");
        md.AppendLine("|---|---|---|" + string.Concat(r.CrossValidation.Keys.Select(_ => "---|")));
        foreach (var fold in r.Folds)
        {
            md.AppendLine($"| {fold.Index} | {string.Join(", ", fold.TestActors.Select(a => a.ToString("00")))} | " +
                $"{string.Join(", ", fold.ValidationActors.Select(a => a.ToString("00")))} | " +
                string.Join(" | ", r.CrossValidation.Values.Select(m => m.FoldAccuracies[fold.Index - 1].ToString("P1", inv))) + " |");
        }
        md.AppendLine();
        AppendConditions(md, r.CrossValidation);
        md.AppendLine("### Confusion matrices (rows: true emotion, columns: predicted; all folds pooled)").AppendLine();
        foreach (var (model, m) in r.CrossValidation)
        {
            md.AppendLine($"**{model}** ![{model}]({ConfusionImageFile(model)})").AppendLine();
            md.AppendLine("| true \\ predicted | " + string.Join(" | ", r.Labels) + " |");
            md.AppendLine("|---|" + string.Concat(r.Labels.Select(_ => "---:|")));
            for (int i = 0; i < r.Labels.Count; i++)
            {
                md.AppendLine($"| {r.Labels[i]} | " + string.Join(" | ", m.Pooled.ConfusionMatrix[i]) + " |");
            }
            md.AppendLine();
        }
        md.AppendLine("## Shipped networks").AppendLine();
        md.AppendLine("Trained on all actors except the validation actors, which decide when to stop (or which epoch to keep); " +
            "a network listed without validation actors trains on every actor for its whole fixed schedule.").AppendLine();
        md.AppendLine("| network | training actors | validation actors | clips | best epoch | epochs run |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var (network, run) in r.FinalModels)
        {
            md.AppendLine($"| {network} | {Training.CrossValidation.FormatActors(run.TrainingActors)} | " +
                $"{string.Join(", ", run.ValidationActors.Select(a => a.ToString("00")))} | {run.Examples} | {run.BestEpoch} | {run.EpochsRun} |");
        }
        md.AppendLine().AppendLine("## Settings").AppendLine();
        var o = r.Options;
        md.AppendLine(string.Create(inv,
            $"epochs ≤ {o.Epochs}, patience {o.Patience}, batch {o.BatchSize}, Adam lr {o.LearningRate}, weight decay {o.WeightDecay}, " +
            $"label smoothing {o.LabelSmoothing}, {o.Folds} folds, {o.ValidationActors} validation actors, " +
            $"speed perturbation {(o.SpeedPerturbation.Count == 0 ? "none" : string.Join(", ", o.SpeedPerturbation.Select(f => f.ToString(inv))))}.")).AppendLine();
        md.AppendLine("## Time").AppendLine();
        md.AppendLine("| step | seconds |").AppendLine("|---|---:|");
        foreach (var (step, seconds) in r.Seconds)
        {
            md.AppendLine(string.Create(inv, $"| {step} | {seconds:F1} |"));
        }
        md.AppendLine().AppendLine($"## Skipped files ({r.Skipped.Count})").AppendLine();
        foreach (var s in r.Skipped)
        {
            md.AppendLine($"- `{s.Path}`: {s.Reason}");
        }
        return md.ToString();
    }

    /// <summary>Row-normalised confusion matrix (each true emotion's row sums to 1), counts in the cells.</summary>
    public static Plot ConfusionPlot(string model, CrossValidatedMetrics metrics, IReadOnlyList<string> labels)
    {
        var plot = new Plot();
        var matrix = metrics.Pooled.ConfusionMatrix;
        int n = labels.Count;
        var colormap = new ScottPlot.Colormaps.Viridis();
        for (int row = 0; row < n; row++)
        {
            double total = Math.Max(1, matrix[row].Sum());
            for (int col = 0; col < n; col++)
            {
                double share = matrix[row][col] / total;
                // True emotion i is drawn at y = n-1-i so the first label is on top, as in a printed matrix.
                double y = n - 1 - row;
                var cell = plot.Add.Rectangle(col - 0.5, col + 0.5, y - 0.5, y + 0.5);
                cell.FillStyle.Color = colormap.GetColor(share);
                cell.LineStyle.Width = 0;
                var text = plot.Add.Text(matrix[row][col].ToString(CultureInfo.InvariantCulture), col, y);
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontSize = 14;
                text.LabelFontColor = share > 0.5 ? Colors.Black : Colors.White;
            }
        }
        var positions = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, labels.ToArray());
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, labels.Reverse().ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 90;
        plot.Axes.SetLimits(-0.5, n - 0.5, -0.5, n - 0.5);
        plot.Title(string.Create(CultureInfo.InvariantCulture,
            $"{model}: accuracy {metrics.Pooled.Accuracy:P1}, macro-F1 {metrics.Pooled.MacroF1:F3} ({metrics.Folds}-fold by actor)"));
        plot.XLabel("predicted emotion");
        plot.YLabel("true emotion");
        return plot;
    }
}
