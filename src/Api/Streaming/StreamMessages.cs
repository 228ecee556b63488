using System.Text.Json;
using System.Text.Json.Serialization;
using EmotionRecognition.Api.Contracts;
using EmotionRecognition.Application.UseCases;

namespace EmotionRecognition.Api.Streaming;

/// <summary>The optional first message of a stream, when the URL has no <c>?sampleRate=</c>: <c>{"sampleRate":48000}</c>.</summary>
public sealed record StreamStart(int? SampleRate);

/// <summary>A control message from the client: <c>{"type":"end"}</c> asks for the last segments and the summary.</summary>
public sealed record StreamControl(string? Type);

/// <summary>
/// What the server sends, one JSON text message each:
/// <c>{"type":"ready","network":"CRNN","sampleRate":16000}</c> once the stream is set up;
/// <c>{"type":"segment","start":s,"end":s,"results":[…]}</c> when a speech segment has ended;
/// <c>{"type":"partial",…}</c> at least every 2 s of ongoing speech (the segment so far; a later message covers it again);
/// <c>{"type":"end","duration":s,"segments":n,"summary":{"results":[…]}}</c> last, before the server closes with 1000.
/// </summary>
public sealed record StreamMessage(
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Network = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? SampleRate = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Start = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? End = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<EmotionResult>? Results = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Duration = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Segments = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PredictionResponse? Summary = null)
{
    public static StreamMessage Ready(string network, int sampleRate) => new("ready", Network: network, SampleRate: sampleRate);

    public static StreamMessage From(ClassifiedSegment segment)
    {
        var span = TimelineSegmentResponse.From(segment.Segment);
        return new(segment.IsPartial ? "partial" : "segment", Start: span.Start, End: span.End, Results: span.Results);
    }

    public static StreamMessage Ended(TimelineStream stream) =>
        new("end", Duration: TimelineSegmentResponse.Milliseconds(stream.DurationSeconds), Segments: stream.SegmentCount,
            Summary: PredictionResponse.From(stream.Summary));
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.Strict, AllowDuplicateProperties = false)]
[JsonSerializable(typeof(StreamStart))]
[JsonSerializable(typeof(StreamControl))]
[JsonSerializable(typeof(StreamMessage))]
internal sealed partial class StreamJsonContext : JsonSerializerContext;
