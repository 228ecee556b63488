using EmotionRecognition.Domain;

namespace EmotionRecognition.Application.Timeline;

/// <summary>One speech segment and what the network heard in it.</summary>
public sealed record TimelineSegment(SpeechSegment Span, IReadOnlyList<EmotionPrediction> Predictions);

/// <summary>
/// How the emotions of a recording change over time: its speech segments in order, each classified on
/// its own, and a summary, the mean of the segments weighted by their duration (a long utterance
/// counts for more than a short interjection). Silence and non-speech have no segment; a recording
/// without speech has no segments and an empty summary.
/// </summary>
public sealed record EmotionTimeline(double DurationSeconds, IReadOnlyList<TimelineSegment> Segments)
{
    public IReadOnlyList<EmotionPrediction> Summary { get; } = Summarise(Segments);

    private static EmotionPrediction[] Summarise(IReadOnlyList<TimelineSegment> segments)
    {
        var total = segments.Sum(s => s.Span.DurationSeconds);
        if (segments.Count == 0 || total <= 0)
            return [];
        var sums = new double[Emotions.Count];
        foreach (var segment in segments)
        {
            for (int i = 0; i < sums.Length; i++)
                sums[i] += segment.Predictions[i].Probability * segment.Span.DurationSeconds;
        }
        return Emotions.InLabelOrder.Select((emotion, i) => new EmotionPrediction(emotion, (float)(sums[i] / total))).ToArray();
    }
}
