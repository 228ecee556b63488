using System.Text.Json;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;

namespace EmotionRecognition.UnitTests.Features;

/// <summary>The sequence-pitch profile, and <see cref="FeaturePipeline.ExtractSequence"/> as the one way a clip becomes CRNN input.</summary>
public sealed class SequencePitchProfileTests
{
    private static AudioClip Voice(int rate)
    {
        // A 1.5 s vowel-like tone at 150 Hz with harmonics, between 0.25 s of silence on each side.
        var samples = new float[(int)(2.0 * rate)];
        for (var i = (int)(0.25 * rate); i < (int)(1.75 * rate); i++)
        {
            var t = (double)i / rate;
            samples[i] = (float)(0.4 * Math.Sin(2 * Math.PI * 150 * t) + 0.2 * Math.Sin(2 * Math.PI * 300 * t) + 0.1 * Math.Sin(2 * Math.PI * 450 * t));
        }
        return new AudioClip(samples, rate);
    }

    [TestCase(22050)]
    [TestCase(16000)]
    public void ExtractSequence_ProfileWithoutPitch_IsPrepareOfTheLogMelBitForBit(int rate)
    {
        var pipeline = new FeaturePipeline(FeatureProfile.Sequence);
        var clip = Voice(rate);

        var extracted = pipeline.ExtractSequence(clip);
        var old = SequenceFeatures.Prepare(pipeline.ExtractLogMel(clip), FeatureProfile.Sequence.FloorDb);

        Assert.That(pipeline.Analyse(clip).Pitch, Is.Null);
        Assert.That(extracted.Rows, Is.EqualTo(old.Rows));
        Assert.That(extracted.Values.ToArray(), Is.EqualTo(old.Values.ToArray()));
    }

    [TestCase(22050)]
    [TestCase(16000)]
    public void ExtractSequence_SequencePitch_IsPitchPrepareOfTheSequenceLogMelAndTrack(int rate)
    {
        var clip = Voice(rate);
        var logMel = new FeaturePipeline(FeatureProfile.Sequence).ExtractLogMel(clip);
        var track = new PitchTracker(FeatureProfile.Sequence).Track(FeatureProfile.Sequence, clip);

        var extracted = new FeaturePipeline(FeatureProfile.SequencePitch).ExtractSequence(clip);
        var expected = PitchFeatures.Prepare(logMel, track, FeatureProfile.SequencePitch.FloorDb);

        Assert.That(extracted.Rows, Is.EqualTo(FeatureProfile.Sequence.MelBands + PitchFeatures.Rows));
        Assert.That(extracted.Values.ToArray(), Is.EqualTo(expected.Values.ToArray()));
    }

    [Test]
    public void SequencePitch_IsSequenceWithAnotherNameAndThePitchRows()
    {
        Assert.That(FeatureProfile.SequencePitch.Name, Is.EqualTo("sequence-pitch"));
        Assert.That(FeatureProfile.SequencePitch.PitchRows, Is.EqualTo(PitchFeatures.Rows));
        Assert.That(FeatureProfile.SequencePitch with { Name = "sequence", PitchRows = 0 }, Is.EqualTo(FeatureProfile.Sequence));
        Assert.That(FeatureProfile.Known.Where(p => p != FeatureProfile.SequencePitch).Select(p => p.PitchRows), Is.All.Zero);
        Assert.That(FeatureProfile.TryGet("sequence-pitch", out var found) && found == FeatureProfile.SequencePitch, Is.True);
    }

    [Test]
    public void Json_ProfilesWithoutPitch_OmitTheFieldAndReadBackEqual()
    {
        var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        foreach (var profile in FeatureProfile.Known)
        {
            var json = JsonSerializer.Serialize(profile, web);
            Assert.That(json.Contains("pitchRows"), Is.EqualTo(profile.PitchRows != 0), json);
            Assert.That(JsonSerializer.Deserialize<FeatureProfile>(json, web), Is.EqualTo(profile));
        }
    }

    [Test]
    public void Json_ManifestProfileWrittenBeforePitchRows_ReadsAsTheSequenceProfile()
    {
        // The shipped manifest's CRNN profile, as written before PitchRows existed.
        const string json = """
            {"name":"sequence","version":1,"sampleRateHz":22050,"offsetSeconds":0,"durationSeconds":null,"fftSize":1024,"hopLength":512,
             "melBands":64,"minFrequencyHz":0,"maxFrequencyHz":null,"coefficientCount":20,"topDb":80}
            """;

        var profile = JsonSerializer.Deserialize<FeatureProfile>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web));

        // It predates the level floor too, so it reads back without one.
        Assert.That(profile, Is.EqualTo(FeatureProfile.Sequence with { FloorDb = 0 }));
    }

    [TestCase(1)]
    [TestCase(-3)]
    public void FeaturePipeline_PitchRowsOtherThanThePitchFeatures_IsRefused(int rows)
    {
        var e = Assert.Throws<ArgumentException>(() => new FeaturePipeline(FeatureProfile.Sequence with { PitchRows = rows }));

        Assert.That(e!.Message, Does.Contain("pitch rows"));
    }
}
