using EmotionRecognition.Application.Audio;
using EmotionRecognition.Trainer.Conditions;

namespace EmotionRecognition.IntegrationTests.Conditions;

[TestFixture]
internal sealed class ClippingTests
{
    [Test]
    public void Apply_HardClipping_DrivesThePeak12DbOverFullScaleAndLimitsAtOne()
    {
        var clean = new AudioClip([0.25f, -0.05f, 0.0625f, -0.25f], ConditionClips.RateHz);

        var clipped = new Clipping(12).Apply(clean, 0, ConditionClips.SyntheticSpeakers);

        var factor = Math.Pow(10, 12 / 20.0) / 0.25;
        Assert.That(clipped.Samples, Is.EqualTo(new[] { 1f, (float)(-0.05 * factor), (float)(0.0625 * factor), -1f }).Within(1e-6));
    }

    [Test]
    public void Apply_SoftClipping_StaysInsideFullScale()
    {
        var clipped = new Clipping(12, Soft: true).Apply(ConditionClips.Voiced(), 0, ConditionClips.SyntheticSpeakers);

        Assert.That(clipped.Samples.Max(Math.Abs), Is.LessThanOrEqualTo(1f).And.GreaterThan(0.99f));
    }

    [Test]
    public void DcOffset_AddsTheOffsetToEverySample()
    {
        var clean = ConditionClips.Voiced();

        var shifted = new DcOffset(0.05).Apply(clean, 0, ConditionClips.SyntheticSpeakers);

        Assert.That(shifted.Samples.Select((s, i) => s - clean.Samples[i]), Is.All.EqualTo(0.05f).Within(1e-6));
    }
}
