using EmotionRecognition.Trainer.Conditions;

namespace EmotionRecognition.IntegrationTests.Conditions;

[TestFixture]
internal sealed class PaddingTests
{
    [Test]
    public void Apply_DigitalSilence_PutsTheClipInTheMiddle()
    {
        var clean = ConditionClips.Voiced();
        var rate = clean.SampleRateHz;

        var padded = new Padding(2, 2, null).Apply(clean, 0, ConditionClips.SyntheticSpeakers);

        Assert.That(padded.Samples, Has.Length.EqualTo(clean.Samples.Length + 4 * rate));
        Assert.That(padded.Samples[(2 * rate)..^(2 * rate)], Is.EqualTo(clean.Samples));
        Assert.That(padded.Samples[..(2 * rate)].Concat(padded.Samples[^(2 * rate)..]), Is.All.Zero);
    }

    [Test]
    public void Apply_Background_Is30DbBelowTheSpeech()
    {
        var clean = ConditionClips.Voiced();
        var rate = clean.SampleRateHz;

        var padded = new Padding(1.5, 1, 30).Apply(clean, 3, ConditionClips.SyntheticSpeakers);

        var lead = (int)(1.5 * rate);
        Assert.That(padded.Samples, Has.Length.EqualTo(clean.Samples.Length + (int)(2.5 * rate)));
        var noise = padded.Samples.ToArray();
        for (var i = 0; i < clean.Samples.Length; i++)
            noise[lead + i] -= clean.Samples[i];
        Assert.That(SpeechLevel.SnrDb(clean.Samples, noise, rate), Is.EqualTo(30).Within(0.2));
    }
}
