using EmotionRecognition.Trainer.Conditions;

namespace EmotionRecognition.IntegrationTests.Conditions;

[TestFixture]
internal sealed class GainTests
{
    [TestCase(-10)]
    [TestCase(-20)]
    [TestCase(-30)]
    [TestCase(-40)]
    public void Apply_ScalesExactlyToWithinHalfAQuantisationStep(double db)
    {
        var clean = ConditionClips.Voiced(amplitude: 0.9);
        var factor = Math.Pow(10, db / 20);

        var quiet = new Gain(db).Apply(clean, 0, ConditionClips.SyntheticSpeakers);

        for (var i = 0; i < clean.Samples.Length; i++)
            Assert.That(quiet.Samples[i], Is.EqualTo(clean.Samples[i] * factor).Within(0.5 / 32768 + 1e-9), $"sample {i}");
        Assert.That(quiet.Samples.All(s => s * 32768 == Math.Round(s * 32768)), Is.True, "16-bit steps");
    }

    [Test]
    public void Apply_PositiveGain_ClampsTo16BitFullScale()
    {
        var clean = new Application.Audio.AudioClip([0.9f, -0.9f, 0.01f], ConditionClips.RateHz);

        var loud = new Gain(20).Apply(clean, 0, ConditionClips.SyntheticSpeakers);

        Assert.That(loud.Samples, Is.EqualTo(new[] { 32767 / 32768f, -1f, 3277f / 32768 }).Within(1e-7));
    }

    [Test]
    public void Name_SaysTheGain() =>
        Assert.That(new Gain(-30).Name, Is.EqualTo("gain -30 dB"));
}
