using EmotionRecognition.Application.Timeline;
using EmotionRecognition.Domain;

namespace EmotionRecognition.UnitTests.Timeline;

[TestFixture]
public sealed class EmotionTimelineTests
{
    private static TimelineSegment Segment(double start, double end, int emotion) =>
        new(new SpeechSegment(start, end), Emotions.InLabelOrder.Select((e, i) => new EmotionPrediction(e, i == emotion ? 1f : 0f)).ToArray());

    [Test]
    public void Summary_IsTheDurationWeightedMeanOfTheSegments()
    {
        var timeline = new EmotionTimeline(20, [Segment(0, 1, 0), Segment(2, 5, 3)]);

        var summary = timeline.Summary.Select(p => p.Probability).ToArray();

        Assert.That(summary[0], Is.EqualTo(0.25f).Within(1e-6));
        Assert.That(summary[3], Is.EqualTo(0.75f).Within(1e-6));
        Assert.That(summary.Sum(), Is.EqualTo(1f).Within(1e-6));
        Assert.That(timeline.Summary.Select(p => p.Emotion), Is.EqualTo(Emotions.InLabelOrder));
    }

    [Test]
    public void Summary_WithoutSegments_IsEmpty()
    {
        Assert.That(new EmotionTimeline(20, []).Summary, Is.Empty);
    }
}
