using EmotionRecognition.Application.Timeline;

namespace EmotionRecognition.UnitTests.Timeline;

[TestFixture]
public sealed class SpeechSegmenterTests
{
    private const double Window = 0.032;
    private static readonly SegmentationOptions Options = new();

    /// <summary>Probabilities for (seconds, probability) runs, one per 32-ms window.</summary>
    private static float[] Runs(params (double Seconds, float Probability)[] runs) =>
        runs.SelectMany(r => Enumerable.Repeat(r.Probability, (int)Math.Round(r.Seconds / Window))).ToArray();

    private static IReadOnlyList<SpeechSegment> Segment(float[] probabilities, SegmentationOptions? options = null) =>
        SpeechSegmenter.Segment(probabilities, options ?? Options, Window);

    [Test]
    public void Segment_Silence_GivesNoSegment()
    {
        Assert.That(Segment(Runs((30, 0.02f))), Is.Empty);
    }

    [Test]
    public void Segment_TwoUtterancesWithAPause_BreaksAtThePauseWithPadding()
    {
        var segments = Segment(Runs((1.024, 0.01f), (2.048, 0.9f), (0.992, 0.05f), (3.008, 0.95f), (1.024, 0.02f)));

        Assert.That(segments, Has.Count.EqualTo(2));
        // Padding in whole windows: 0.25 s before is 8 windows (0.256 s), 0.1 s after is 3 (0.096 s).
        Assert.That(segments[0].StartSeconds, Is.EqualTo(1.024 - 0.256).Within(1e-9));
        Assert.That(segments[0].EndSeconds, Is.EqualTo(1.024 + 2.048 + 0.096).Within(1e-9));
        Assert.That(segments[1].StartSeconds, Is.EqualTo(1.024 + 2.048 + 0.992 - 0.256).Within(1e-9));
        Assert.That(segments[1].EndSeconds, Is.EqualTo(1.024 + 2.048 + 0.992 + 3.008 + 0.096).Within(1e-9));
    }

    [Test]
    public void Segment_PauseShorterThanMinSilence_StaysOneSegment()
    {
        var segments = Segment(Runs((0.5, 0f), (1.5, 0.9f), (0.224, 0.1f), (1.5, 0.9f), (0.5, 0f)));

        Assert.That(segments, Has.Count.EqualTo(1));
    }

    [Test]
    public void Segment_ProbabilityBetweenTheThresholds_NeitherStartsNorEndsSpeech()
    {
        // 0.4 is below the speech threshold and above the silence threshold: hysteresis.
        Assert.That(Segment(Runs((0.5, 0f), (3, 0.4f), (0.5, 0f))), Is.Empty, "0.4 alone never starts speech");
        var segments = Segment(Runs((0.5, 0f), (1, 0.9f), (2, 0.4f), (1, 0.9f), (0.5, 0f)));
        Assert.That(segments, Has.Count.EqualTo(1), "0.4 inside speech never ends it");
        Assert.That(segments[0].DurationSeconds, Is.GreaterThan(3.9));
    }

    [Test]
    public void Segment_ClickShorterThanMinSpeech_IsDropped()
    {
        Assert.That(Segment(Runs((1, 0f), (0.16, 0.99f), (1, 0f))), Is.Empty);
    }

    [Test]
    public void Segment_ShortUtterance_IsWidenedAboutItsCentreToTheMinimum()
    {
        var segments = Segment(Runs((2, 0f), (0.416, 0.9f), (2, 0f)));

        Assert.That(segments, Has.Count.EqualTo(1));
        Assert.That(segments[0].DurationSeconds, Is.EqualTo(Options.MinSegmentSeconds).Within(Window));
        var centre = (segments[0].StartSeconds + segments[0].EndSeconds) / 2;
        // The centre of the padded speech: 0.256 s before, 0.096 s after.
        Assert.That(centre, Is.EqualTo((2 - 0.256 + 2 + 0.416 + 0.096) / 2).Within(Window));
    }

    [Test]
    public void Segment_ShortUtteranceAtTheVeryEnd_StaysInsideTheRecording()
    {
        var probabilities = Runs((2, 0f), (0.32, 0.9f));
        var segments = Segment(probabilities);

        Assert.That(segments, Has.Count.EqualTo(1));
        Assert.That(segments[0].EndSeconds, Is.LessThanOrEqualTo(probabilities.Length * Window + 1e-9));
        Assert.That(segments[0].DurationSeconds, Is.EqualTo(Options.MinSegmentSeconds).Within(Window));
    }

    [Test]
    public void Segment_LongSpeech_IsCutIntoMaximumLengthSegmentsThatOverlap()
    {
        var segments = Segment(Runs((0.5, 0f), (20, 0.9f), (0.5, 0f)));

        Assert.That(segments, Has.Count.EqualTo(3));
        Assert.That(segments.Take(2).Select(s => s.DurationSeconds), Has.All.EqualTo(Options.MaxSegmentSeconds).Within(Window));
        for (int i = 1; i < segments.Count; i++)
            Assert.That(segments[i - 1].EndSeconds - segments[i].StartSeconds, Is.EqualTo(Options.OverlapSeconds).Within(Window), $"overlap before segment {i}");
        Assert.That(segments[^1].EndSeconds, Is.EqualTo(20.5 + 0.096).Within(Window));
        Assert.That(segments.All(s => s.DurationSeconds >= Options.MinSegmentSeconds - 1e-9 && s.DurationSeconds <= Options.MaxSegmentSeconds + 1e-9));
    }

    [Test]
    public void Segment_SpeechToTheEnd_IsClosedByFinish()
    {
        var segments = Segment(Runs((1, 0f), (3, 0.9f)));

        Assert.That(segments, Has.Count.EqualTo(1));
        Assert.That(segments[0].EndSeconds, Is.EqualTo(3.99).Within(Window));
    }

    [Test]
    public void Push_LongSpeech_ReportsAPartialAtLeastEveryTwoSeconds()
    {
        var probabilities = Runs((0.5, 0f), (20, 0.9f), (1, 0f));
        var segmenter = new SpeechSegmenter(Options, Window);
        var reportedAt = new List<double>();
        var events = new List<SegmentEvent>();
        foreach (var p in probabilities)
        {
            events.Clear();
            segmenter.Push(p, events);
            if (events.Count > 0)
                reportedAt.Add(segmenter.SecondsSeen);
            foreach (var e in events.Where(e => e.IsPartial))
                Assert.That(e.Segment.EndSeconds, Is.EqualTo(segmenter.SecondsSeen).Within(1e-9), "a partial ends now");
        }

        var during = reportedAt.Where(t => t is > 0.5 and < 20.5).Prepend(0.5).ToArray();
        var gaps = during.Zip(during.Skip(1), (a, b) => b - a);
        Assert.That(gaps.Max(), Is.LessThanOrEqualTo(Options.PartialEverySeconds + 1e-9));
    }

    [Test]
    public void Constructor_SilenceThresholdAboveSpeechThreshold_IsRefused()
    {
        Assert.That(() => new SpeechSegmenter(Options with { SilenceThreshold = 0.6f }, Window), Throws.ArgumentException);
    }
}
