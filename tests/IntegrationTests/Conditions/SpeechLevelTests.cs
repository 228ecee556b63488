using EmotionRecognition.Trainer.Conditions;

namespace EmotionRecognition.IntegrationTests.Conditions;

[TestFixture]
internal sealed class SpeechLevelTests
{
    [Test]
    public void ActivePower_IgnoresLeadingAndTrailingSilence()
    {
        var tone = Enumerable.Range(0, ConditionClips.RateHz).Select(i => (float)(0.5 * Math.Sin(2 * Math.PI * 440 * i / ConditionClips.RateHz))).ToArray();
        var padded = new float[3 * ConditionClips.RateHz];
        tone.CopyTo(padded, ConditionClips.RateHz);

        Assert.That(SpeechLevel.ActivePower(padded, ConditionClips.RateHz), Is.EqualTo(0.125).Within(0.002));
        Assert.That(SpeechLevel.ActivePower(tone, ConditionClips.RateHz), Is.EqualTo(0.125).Within(0.002));
    }

    [Test]
    public void ActivePower_OfSilence_IsZero() =>
        Assert.That(SpeechLevel.ActivePower(new float[1000], ConditionClips.RateHz), Is.Zero);
}
