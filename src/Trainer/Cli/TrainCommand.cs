using System.Globalization;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Configuration;
using EmotionRecognition.Trainer.Corpus;
using EmotionRecognition.Trainer.Sequence;
using EmotionRecognition.Trainer.Settings;
using EmotionRecognition.Trainer.Training;
using Microsoft.Extensions.Configuration;

namespace EmotionRecognition.Trainer.Cli;

/// <summary><c>train</c>: runs <see cref="TrainModels"/> with the configured settings and prints the summary.</summary>
internal sealed class TrainCommand(TextWriter stdout, IProgressReporter progress, ExtractorFactory extractorFor)
{
    public int Run(IConfiguration configuration, bool includeSong, bool baselines, CancellationToken ct)
    {
        var settings = new TrainSettings(
            DataOptions.From(configuration), ModelsOptions.From(configuration), TrainingOptions.From(configuration), includeSong,
            CrnnSettings.From(configuration), baselines);
        var profile = FeatureProfile.Compat;
        var o = settings.Training;
        progress.Info(string.Create(CultureInfo.InvariantCulture,
            $"Training {string.Join(", ", o.Networks.Select(n => n.Name()))} on {settings.Data.SourcePath} (profile {profile.Name} v{profile.Version}; seed {o.Seed}; {o.Folds} folds; ≤{o.Epochs} epochs; {o.Threads} torch thread(s); speed perturbation {(o.SpeedPerturbation.Count == 0 ? "none" : string.Join(", ", o.SpeedPerturbation))})"));
        var outcome = new TrainModels(profile, extractorFor, progress).Run(settings, ct);

        var report = outcome.Report;
        stdout.WriteLine();
        stdout.WriteLine(report.Protocol);
        stdout.WriteLine($"{"model",-20} {"accuracy",9} {"mean ± sd over folds",22} {"macro-F1",9} {"mean ± sd",16}");
        foreach (var (model, m) in report.CrossValidation)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{model,-20} {m.Pooled.Accuracy,9:P1} {$"{m.AccuracyMean:P1} ± {m.AccuracySd:P1}",22} {m.Pooled.MacroF1,9:F3} {$"{m.MacroF1Mean:F3} ± {m.MacroF1Sd:F3}",16}"));
        }
        if (report.Skipped.Count > 0)
        {
            stdout.WriteLine($"Skipped {report.Skipped.Count} file(s); see report.md.");
        }
        stdout.WriteLine($"Saved model set {outcome.SetId} to {outcome.SetFolder} (report.md, report.json, confusion-*.png).");
        return 0;
    }
}
