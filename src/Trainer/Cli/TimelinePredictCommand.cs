using System.Text.Json;
using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Timeline;
using EmotionRecognition.Application.UseCases;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Configuration;
using EmotionRecognition.Infrastructure.Vad;
using Microsoft.Extensions.Configuration;

namespace EmotionRecognition.Trainer.Cli;

/// <summary>
/// <c>predict --timeline</c>: each recording through the Api's timeline use case (<see cref="PredictTimelineHandler"/>),
/// printed as <c>{"FILE": {"duration": s, "segments": [...], "summary": {"results": [...]}}}</c>, each value
/// exactly the shape of <c>POST /prediction/{networkType}/timeline</c>'s answer. A file that fails gets one line on
/// stderr; the others are still analysed; the exit code is 1 if any failed.
/// </summary>
internal sealed class TimelinePredictCommand(TextWriter stdout, TextWriter stderr)
{
    public async Task<int> RunAsync(IConfiguration configuration, NetworkType network, IReadOnlyList<string> files, CancellationToken ct)
    {
        var set = new Infrastructure.ModelSets.ModelStore(ModelsOptions.From(configuration).Path).LoadCurrent();
        set.Describe(network);
        var options = configuration.GetSection(SegmentationOptions.Section).Get<SegmentationOptions>() ?? new SegmentationOptions();
        using var metrics = new PredictionMetrics();
        using var detector = new SileroVoiceActivityDetector();
        var streams = new TimelineStreams(new LoadedSet(set), detector, options, new StartTimelineStreamValidator());
        var handler = new PredictTimelineHandler(streams, metrics, new Infrastructure.Audio.FfmpegAudioDecoder());

        int failed = 0;
        using var output = new MemoryStream();
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            foreach (var file in files)
            {
                EmotionTimeline timeline;
                try
                {
                    timeline = await handler.Handle(new PredictTimeline(NetworkName.Parse(network.Name()), File.ReadAllBytes(file)), ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    stderr.WriteLine($"{file}: {TrainerCli.OneLine(e.Message)}");
                    failed++;
                    continue;
                }
                writer.WritePropertyName(file);
                Write(writer, timeline);
            }
            writer.WriteEndObject();
        }
        stdout.WriteLine(System.Text.Encoding.UTF8.GetString(output.ToArray()));
        return failed == 0 ? 0 : TrainerCli.Failed;
    }

    private static void Write(Utf8JsonWriter writer, EmotionTimeline timeline)
    {
        writer.WriteStartObject();
        writer.WriteNumber("duration", Math.Round(timeline.DurationSeconds, 3));
        writer.WriteStartArray("segments");
        foreach (var segment in timeline.Segments)
        {
            writer.WriteStartObject();
            writer.WriteNumber("start", Math.Round(segment.Span.StartSeconds, 3));
            writer.WriteNumber("end", Math.Round(segment.Span.EndSeconds, 3));
            WriteResults(writer, segment.Predictions);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteStartObject("summary");
        WriteResults(writer, timeline.Summary);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteResults(Utf8JsonWriter writer, IReadOnlyList<EmotionPrediction> predictions)
    {
        writer.WriteStartArray("results");
        foreach (var p in predictions)
        {
            writer.WriteStartObject();
            writer.WriteString("emotionType", p.Emotion.Label());
            writer.WriteNumber("prediction", p.Probability);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    /// <summary>The one set loaded for this run, in the shape the use cases take.</summary>
    private sealed class LoadedSet(IModelSet set) : IEmotionClassifier
    {
        public IModelSet Current => set;

        public string? UnavailableReason => null;
    }
}
