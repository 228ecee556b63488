using EmotionRecognition.Infrastructure.Configuration;
using EmotionRecognition.Trainer.Sequence;

namespace EmotionRecognition.IntegrationTests.Crnn;

/// <summary>
/// <c>[crnn] warp_bands</c> and <c>pitch_shift_semitones</c>: how far training windows shift the mel axis (formants) and
/// the absolute F0 row (speaker perturbation), defaulting to the shipped recipe's ± 2 bands and ± 1 semitone.
/// </summary>
public sealed class PerturbationSettingsTests
{
    [Test]
    public void CrnnSettings_NoPerturbationKeys_KeepTheRecipesTwoBandsAndOneSemitone()
    {
        var options = CrnnSettings.From(CrnnConfig.With(("pitch", "true"))).Options;

        Assert.That(options.Augmentation.WarpBands, Is.EqualTo(SequenceAugmentation.Default.WarpBands).And.EqualTo(2));
        Assert.That(options.Augmentation.PitchShiftSemitones, Is.EqualTo(CrnnSettings.PitchShiftSemitones).And.EqualTo(1));
    }

    [Test]
    public void CrnnSettings_PerturbationKeys_SetTheMelShiftAndTheF0Shift()
    {
        var options = CrnnSettings.From(CrnnConfig.With(("pitch", "true"), ("warp_bands", "3"), ("pitch_shift_semitones", " 2.5 "))).Options;

        Assert.That(options.Augmentation.WarpBands, Is.EqualTo(3));
        Assert.That(options.Augmentation.PitchShiftSemitones, Is.EqualTo(2.5));
    }

    [Test]
    public void CrnnSettings_PitchShiftWithoutPitchRows_ShiftsNothing()
    {
        // Without pitch rows there is no F0 row to shift: the key is read only with pitch networks.
        var options = CrnnSettings.From(CrnnConfig.With(("pitch_shift_semitones", "2"))).Options;

        Assert.That(options.Augmentation.PitchShiftSemitones, Is.Zero);
    }

    [Test]
    public void CrnnSettings_TestMelShifts_AreReadInOrder_AndNoneWithoutTheKey()
    {
        Assert.That(CrnnSettings.From(CrnnConfig.With(("test_mel_shifts", "-1, 0, 1.5"))).Options.TestMelShifts, Is.EqualTo(new[] { -1.0, 0, 1.5 }));
        Assert.That(CrnnSettings.From(CrnnConfig.With()).Options.TestMelShifts, Is.Empty);
    }

    [Test]
    public void CrnnSettings_RepeatShortClips_IsOffUnlessAsked_AndUsesTheTrainingWindowWhenOn()
    {
        var off = CrnnSettings.From(CrnnConfig.With()).Options;
        var on = CrnnSettings.From(CrnnConfig.With(("repeat_short_clips", "true"), ("crop_frames", "80"))).Options;

        Assert.That((off.RepeatShortClips, off.TestWindowFrames), Is.EqualTo((false, EmotionRecognition.Infrastructure.Models.EmotionCrnn.MinFrames)));
        Assert.That((on.RepeatShortClips, on.TestWindowFrames), Is.EqualTo((true, 80)));
    }

    [TestCase("repeat_short_clips", "yes")]
    [TestCase("test_mel_shifts", "-1, up, 1")]
    [TestCase("test_mel_shifts", "0, 9")]
    [TestCase("test_mel_shifts", "0,0,0,0,0,0,0,0,0,0")]
    [TestCase("warp_bands", "-1")]
    [TestCase("warp_bands", "9")]
    [TestCase("warp_bands", "wide")]
    [TestCase("pitch_shift_semitones", "13")]
    [TestCase("pitch_shift_semitones", "NaN")]
    public void CrnnSettings_PerturbationOutOfRange_IsRefusedNamingTheKey(string key, string text)
    {
        var e = Assert.Throws<InvalidConfigurationException>(() => CrnnSettings.From(CrnnConfig.With(("pitch", "true"), (key, text))));

        Assert.That(e!.Message, Does.Contain($"[crnn] {key} = '{text}'"));
    }
}
