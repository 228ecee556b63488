using EmotionRecognition.Application.Features;

namespace EmotionRecognition.UnitTests.Features;

public sealed class PitchFeaturesTests
{
    private static float Row(FeatureMatrix rows, int row, int frame) => rows[row, frame];

    [Test]
    public void Compute_UnvoicedGaps_AreInterpolatedInOctavesWithEndsHeld()
    {
        // Unvoiced, 100 Hz, unvoiced, unvoiced, 400 Hz, unvoiced.
        var track = new PitchTrack([0, 100, 0, 0, 400, 0], [0, 1, 0.2f, 0.2f, 1, 0]);

        var rows = PitchFeatures.Compute(track, 0, 6);

        // log2(100/200) = −1, log2(400/200) = +1: the gap is a straight line in octaves, the ends are held.
        Assert.That(Enumerable.Range(0, 6).Select(t => Row(rows, PitchFeatures.AbsoluteRow, t)),
            Is.EqualTo(new[] { -1f, -1f, -1f / 3, 1f / 3, 1f, 1f }).Within(1e-6f));
    }

    [Test]
    public void Compute_IntonationRow_IsZeroMeanOverVoicedFramesAndIgnoresTheSpeakersLevel()
    {
        var low = new PitchTrack([100, 110, 0, 120, 90], [1, 1, 0, 1, 1]);
        var high = new PitchTrack([200, 220, 0, 240, 180], [1, 1, 0, 1, 1]);

        var a = PitchFeatures.Compute(low, 0, 5);
        var b = PitchFeatures.Compute(high, 0, 5);

        var voiced = new[] { 0, 1, 3, 4 };
        Assert.That(voiced.Average(t => Row(a, PitchFeatures.RelativeRow, t)), Is.EqualTo(0).Within(1e-6));
        Assert.That(a.Row(PitchFeatures.RelativeRow).ToArray(), Is.EqualTo(b.Row(PitchFeatures.RelativeRow).ToArray()).Within(1e-6f));
        Assert.That(Row(b, PitchFeatures.AbsoluteRow, 0) - Row(a, PitchFeatures.AbsoluteRow, 0), Is.EqualTo(1f).Within(1e-6f), "one octave apart");
    }

    [Test]
    public void Compute_PeriodicityRow_MapsZeroToOneOntoMinusOneToOne()
    {
        var rows = PitchFeatures.Compute(new PitchTrack([0, 0, 200], [0, 0.5f, 1]), 0, 3);

        Assert.That(rows.Row(PitchFeatures.PeriodicityRow).ToArray(), Is.EqualTo(new[] { -1f, 0f, 1f }));
    }

    [Test]
    public void Compute_NoVoicedFrame_GivesFlatZeroPitchRows()
    {
        var rows = PitchFeatures.Compute(new PitchTrack([0, 0, 0], [0.1f, 0.3f, 0]), 0, 3);

        Assert.That(rows.Row(PitchFeatures.AbsoluteRow).ToArray(), Is.All.EqualTo(0f));
        Assert.That(rows.Row(PitchFeatures.RelativeRow).ToArray(), Is.All.EqualTo(0f));
    }

    [Test]
    public void Prepare_MelRowsAreSequencePrepareAndPitchRowsTheSameSpan()
    {
        // 40 frames of 8 bands: speech in frames 10..29, silence 70 dB down around it.
        const int bands = 8, frames = 40;
        var values = new float[bands * frames];
        for (var m = 0; m < bands; m++)
        {
            for (var t = 0; t < frames; t++)
                values[m * frames + t] = (float)((t is >= 10 and < 30 ? 0 : -70) + Math.Sin(m + 0.3 * t));
        }

        var logMel = new FeatureMatrix(bands, frames, values);
        var f0 = Enumerable.Range(0, frames).Select(t => t is >= 10 and < 30 ? 150f + t : 0f).ToArray();
        var track = new PitchTrack(f0, f0.Select(v => v > 0 ? 0.95f : 0f).ToArray());

        var prepared = PitchFeatures.Prepare(logMel, track);

        var mel = SequenceFeatures.Prepare(logMel);
        var (start, count) = SequenceFeatures.SpeechSpan(logMel);
        Assert.That(prepared.Rows, Is.EqualTo(bands + PitchFeatures.Rows));
        Assert.That(prepared.Frames, Is.EqualTo(mel.Frames));
        Assert.That(prepared.Values[..(bands * count)].ToArray(), Is.EqualTo(mel.Values.ToArray()));
        Assert.That(prepared.Values[(bands * count)..].ToArray(), Is.EqualTo(PitchFeatures.Compute(track, start, count).Values.ToArray()));
    }

    [Test]
    public void Prepare_LevelFloor_KeepsTheWholeClipAsTheMelOnlyInputDoes()
    {
        const int bands = 64, frames = 50;
        var values = new float[bands * frames];
        for (var m = 0; m < bands; m++)
        {
            for (var t = 0; t < frames; t++)
                values[m * frames + t] = (float)((t is >= 15 and < 35 ? 0 : -100) + Math.Sin(m + 0.3 * t));
        }

        var logMel = new FeatureMatrix(bands, frames, values);
        var track = new PitchTrack(new float[frames], new float[frames]);

        Assert.That(PitchFeatures.Prepare(logMel, track).Frames, Is.EqualTo(20 + 2 * SequenceFeatures.TrimMarginFrames));
        Assert.That(PitchFeatures.Prepare(logMel, track, floorDb: 40).Frames, Is.EqualTo(SequenceFeatures.Prepare(logMel, floorDb: 40).Frames).And.EqualTo(frames));
    }

    [Test]
    public void Prepare_TrackOfAnotherLength_IsRefused()
    {
        var logMel = new FeatureMatrix(8, 10, new float[80]);

        Assert.Throws<ArgumentException>(() => PitchFeatures.Prepare(logMel, new PitchTrack(new float[9], new float[9])));
    }
}
