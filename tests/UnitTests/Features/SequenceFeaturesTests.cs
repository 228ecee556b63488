using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;

namespace EmotionRecognition.UnitTests.Features;

public sealed class SequenceFeaturesTests
{
    /// <summary>[bands, frames] log-mel with every band at <paramref name="levelDb"/>(t) plus a small per-band ripple.</summary>
    private static FeatureMatrix LogMel(int bands, int frames, Func<int, double> levelDb)
    {
        var values = new float[bands * frames];
        for (var m = 0; m < bands; m++)
        {
            for (var t = 0; t < frames; t++)
                values[m * frames + t] = (float)(levelDb(t) + Math.Sin(m + 0.3 * t));
        }

        return new FeatureMatrix(bands, frames, values);
    }

    [Test]
    public void SpeechSpan_SilenceAroundSpeech_KeepsSpeechPlusMargin()
    {
        // Frames 10..29 are speech at 0 dB, the rest studio silence 70 dB down.
        var logMel = LogMel(16, 40, t => t is >= 10 and < 30 ? 0 : -70);

        var (start, count) = SequenceFeatures.SpeechSpan(logMel);

        Assert.That(start, Is.EqualTo(10 - SequenceFeatures.TrimMarginFrames));
        Assert.That(count, Is.EqualTo(20 + 2 * SequenceFeatures.TrimMarginFrames));
    }

    [Test]
    public void Trim_PauseInsideSpeech_IsKept()
    {
        var logMel = LogMel(16, 60, t => t is (>= 10 and < 20) or (>= 40 and < 50) ? 0 : -70);

        var trimmed = SequenceFeatures.Trim(logMel);

        Assert.That(trimmed.Frames, Is.EqualTo(40 + 2 * SequenceFeatures.TrimMarginFrames));
        Assert.That(trimmed[3, 0], Is.EqualTo(logMel[3, 10 - SequenceFeatures.TrimMarginFrames]));
    }

    [Test]
    public void Trim_SteadySignal_KeepsEveryFrame()
    {
        var logMel = LogMel(16, 25, _ => -20);

        Assert.That(SequenceFeatures.Trim(logMel).Frames, Is.EqualTo(25));
    }

    [Test]
    public void NormalisePerUtterance_EachBandHasZeroMeanAndUnitVariance()
    {
        var logMel = LogMel(8, 50, t => -30 + 20 * Math.Sin(0.2 * t));

        var normalised = SequenceFeatures.NormalisePerUtterance(logMel);

        for (var m = 0; m < normalised.Rows; m++)
        {
            var row = normalised.Row(m).ToArray();
            var mean = row.Average(v => (double)v);
            var variance = row.Average(v => (v - mean) * (v - mean));
            Assert.That(mean, Is.EqualTo(0).Within(1e-5), $"band {m}");
            Assert.That(variance, Is.EqualTo(1).Within(1e-4), $"band {m}");
        }
    }

    [Test]
    public void NormalisePerUtterance_ConstantBand_BecomesZerosNotNaN()
    {
        var normalised = SequenceFeatures.NormalisePerUtterance(new FeatureMatrix(2, 4, [-80, -80, -80, -80, 1, 2, 3, 4]));

        Assert.That(normalised.Row(0).ToArray(), Is.All.EqualTo(0f));
        Assert.That(normalised.Values.ToArray(), Is.All.Matches<float>(float.IsFinite));
    }

    [Test]
    public void Prepare_LouderRecordingOfTheSameClip_GivesTheSameInput()
    {
        // A gain is a constant offset in every dB value (top_db's floor moves with the maximum), which
        // per-utterance normalisation removes; trimming is relative to the loudest frame, so it cuts the same frames.
        var pipeline = new FeaturePipeline(FeatureProfile.Full);
        var quiet = Speech(22050, 0.05f);
        var loud = new AudioClip(quiet.Samples.Select(s => s * 8).ToArray(), quiet.SampleRateHz);

        var a = SequenceFeatures.Prepare(pipeline.ExtractLogMel(quiet));
        var b = SequenceFeatures.Prepare(pipeline.ExtractLogMel(loud));

        Assert.That(b.Frames, Is.EqualTo(a.Frames));
        Assert.That(b.Values.ToArray(), Is.EqualTo(a.Values.ToArray()).Within(1e-3));
    }

    [Test]
    public void Prepare_SpeechBetweenSilences_DropsMostOfTheSilence()
    {
        var pipeline = new FeaturePipeline(FeatureProfile.Full);
        var clip = Speech(22050, 0.1f);

        var logMel = pipeline.ExtractLogMel(clip);
        var prepared = SequenceFeatures.Prepare(logMel);

        // 1 s of speech between 1 s of silence on each side: 43 voiced frames of 129, plus margins and window overlap.
        Assert.That(prepared.Frames, Is.InRange(43, 43 + 2 * SequenceFeatures.TrimMarginFrames + 6));
        Assert.That(prepared.Rows, Is.EqualTo(FeatureProfile.Full.MelBands));
    }

    [Test]
    public void Prepare_LevelFloor_KeepsTheWholeClipWithItsSilenceAtTheFloor()
    {
        // Digital silence 100 dB down around the speech: without a floor it is trimmed; with one it stays, raised to the floor.
        var logMel = LogMel(64, 60, t => t is >= 20 and < 40 ? 0 : -100);

        var floored = SequenceFeatures.Prepare(logMel, floorDb: 40);

        Assert.That(SequenceFeatures.Prepare(logMel).Frames, Is.EqualTo(20 + 2 * SequenceFeatures.TrimMarginFrames));
        Assert.That(floored.Frames, Is.EqualTo(60));
        Assert.That(floored.Row(5).Slice(0, 20).ToArray(), Is.All.EqualTo(floored[5, 0]), "the silence is one constant: the floor");
    }

    [Test]
    public void Prepare_LevelFloor_RaisesWhatLiesFurtherBelowThePeak()
    {
        // One band of the speech sits 60 dB under the rest: floored at 40 dB it becomes a constant band, normalised to 0.
        var values = new float[4 * 10];
        for (var t = 0; t < 10; t++)
        {
            for (var m = 0; m < 3; m++)
                values[m * 10 + t] = (float)Math.Sin(m + t);
            values[3 * 10 + t] = -60 + 5 * (t % 2);
        }

        var prepared = SequenceFeatures.Prepare(new FeatureMatrix(4, 10, values), floorDb: 40);

        Assert.That(prepared.Row(3).ToArray(), Is.All.EqualTo(0f));
        Assert.That(prepared.Row(0).ToArray(), Is.EqualTo(SequenceFeatures.Prepare(new FeatureMatrix(4, 10, values)).Row(0).ToArray()));
    }

    /// <summary>1 s of silence, 1 s of a harmonic buzz at <paramref name="amplitude"/>, 1 s of silence.</summary>
    private static AudioClip Speech(int sampleRateHz, float amplitude)
    {
        var samples = new float[3 * sampleRateHz];
        var phase = 0.0;
        for (var n = sampleRateHz; n < 2 * sampleRateHz; n++)
        {
            phase += 2 * Math.PI * (140 + 20 * Math.Sin(2 * Math.PI * 3.0 * n / sampleRateHz)) / sampleRateHz;
            var voice = 0.0;
            for (var h = 1; h <= 15; h++)
                voice += Math.Sin(h * phase) / h;
            samples[n] = (float)(amplitude * voice);
        }

        return new AudioClip(samples, sampleRateHz);
    }
}
