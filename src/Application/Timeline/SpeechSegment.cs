namespace EmotionRecognition.Application.Timeline;

/// <summary>A stretch of a recording, in seconds from its start.</summary>
public readonly record struct SpeechSegment(double StartSeconds, double EndSeconds)
{
    public double DurationSeconds => EndSeconds - StartSeconds;
}

/// <summary>
/// What the segmenter reports: a segment that has ended (final), or the speech heard so far of a
/// segment still going on (partial: its end is "now", and a later event covers it again).
/// </summary>
public readonly record struct SegmentEvent(SpeechSegment Segment, bool IsPartial);
