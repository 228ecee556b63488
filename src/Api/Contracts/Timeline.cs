using EmotionRecognition.Application.Timeline;

namespace EmotionRecognition.Api.Contracts;

/// <summary>One speech segment: <c>{"start":1.2,"end":3.9,"results":[8 × {emotionType, prediction}]}</c> (seconds).</summary>
public sealed record TimelineSegmentResponse(double Start, double End, IReadOnlyList<EmotionResult> Results)
{
    public static TimelineSegmentResponse From(TimelineSegment segment) =>
        new(Milliseconds(segment.Span.StartSeconds), Milliseconds(segment.Span.EndSeconds), PredictionResponse.From(segment.Predictions).Results);

    /// <summary>Times to the millisecond: the detector decides every 32 ms, finer digits would only be noise.</summary>
    internal static double Milliseconds(double seconds) => Math.Round(seconds, 3);
}

/// <summary>
/// <c>{"duration":s,"segments":[…],"summary":{"results":[…]}}</c>: the summary is the duration-weighted mean of
/// the segments (empty results when the recording holds no speech).
/// </summary>
public sealed record TimelineResponse(double Duration, IReadOnlyList<TimelineSegmentResponse> Segments, PredictionResponse Summary)
{
    public static TimelineResponse From(EmotionTimeline timeline) =>
        new(TimelineSegmentResponse.Milliseconds(timeline.DurationSeconds),
            timeline.Segments.Select(TimelineSegmentResponse.From).ToArray(),
            PredictionResponse.From(timeline.Summary));
}
