using System.Text.Json;
using EmotionRecognition.IntegrationTests.Api;
using EmotionRecognition.IntegrationTests.Infrastructure;
using EmotionRecognition.Trainer.Cli;
using EmotionRecognition.Trainer.Corpus;

namespace EmotionRecognition.IntegrationTests.Timeline;

/// <summary><c>predict --timeline</c> with the shipped models.</summary>
[TestFixture]
public sealed class TimelinePredictCommandTests
{
    private static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = await new TrainerCli(stdout, stderr, interactive: false, FeatureExtractors.Mean).RunAsync(args);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Test]
    public async Task PredictTimeline_JoinedSentences_PrintsTheTimelineRoutesJsonPerFile_ABadFileGetsOneLine()
    {
        using var folder = new TempFolder("timeline-cli");
        var recording = TimelineRecordings.Sentences(3);
        var file = folder.Combine("joined.wav");
        File.WriteAllBytes(file, TimelineRecordings.Wav(recording.Clip));
        var missing = folder.Combine("missing.wav");
        var models = Path.Combine(GoldenWavs.RepoRoot, "models");

        var (exit, stdout, stderr) = await Run("predict", "--models", models, "--network", "crnn", "--timeline", file, missing);

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(stderr, Does.StartWith(missing + ":"));
        var timeline = JsonDocument.Parse(stdout).RootElement.GetProperty(file);
        Assert.That(timeline.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "duration", "segments", "summary" }));
        Assert.That(timeline.GetProperty("duration").GetDouble(), Is.EqualTo(recording.Clip.DurationSeconds).Within(0.001));
        var segments = timeline.GetProperty("segments").EnumerateArray().ToArray();
        Assert.That(segments, Has.Length.EqualTo(3));
        Assert.That(segments.Select(s => s.EnumerateObject().Select(p => p.Name)), Has.All.EqualTo(new[] { "start", "end", "results" }));
        Assert.That(PredictionRequests.Probabilities(timeline.GetProperty("summary").ToString()).Sum(), Is.EqualTo(1).Within(1e-4));
    }
}
