using EmotionRecognition.Application.Features;
using EmotionRecognition.Trainer.Settings;
using EmotionRecognition.Infrastructure.Configuration;
using EmotionRecognition.Trainer.Sequence;
using Microsoft.Extensions.Configuration;

namespace EmotionRecognition.IntegrationTests.Trainer;

/// <summary>
/// <c>[crnn]</c>: unset keys keep the shipped recipe; <c>warp_bands</c> and <c>pitch_shift_semitones</c> set how far training
/// windows shift the mel axis (formants) and the absolute F0 row; keys of removed switches are refused with the reason.
/// </summary>
public sealed class CrnnSettingsTests
{
    [Test]
    public void CrnnSettings_NoPerturbationKeys_KeepTheRecipesTwoBandsAndOneSemitone()
    {
        var options = CrnnSettings.From(CrnnConfig.With(("pitch", "true")));

        Assert.That(options.Augmentation.WarpBands, Is.EqualTo(SequenceAugmentation.Default.WarpBands).And.EqualTo(2));
        Assert.That(options.Augmentation.PitchShiftSemitones, Is.EqualTo(SequenceTrainingOptions.PitchShiftSemitones).And.EqualTo(1));
    }

    [Test]
    public void CrnnSettings_PerturbationKeys_SetTheMelShiftAndTheF0Shift()
    {
        var options = CrnnSettings.From(CrnnConfig.With(("pitch", "true"), ("warp_bands", "3"), ("pitch_shift_semitones", " 2.5 ")));

        Assert.That(options.Augmentation.WarpBands, Is.EqualTo(3));
        Assert.That(options.Augmentation.PitchShiftSemitones, Is.EqualTo(2.5));
    }

    [Test]
    public void CrnnSettings_PitchShiftWithoutPitchRows_ShiftsNothing()
    {
        // Without pitch rows there is no F0 row to shift: the key is read only with pitch networks.
        var options = CrnnSettings.From(CrnnConfig.With(("ensemble", "1"), ("pitch_shift_semitones", "2")));

        Assert.That(options.Augmentation.PitchShiftSemitones, Is.Zero);
    }

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

    [Test]
    public void CrnnSettings_NoKeys_AreTheShippedRecipe()
    {
        var options = CrnnSettings.From(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());

        Assert.Multiple(() =>
        {
            Assert.That(options, Is.EqualTo(SequenceTrainingOptions.Default));
            Assert.That(options.EnsembleText, Is.EqualTo("2x100 pitch, 1x150 pitch, 1x100, 1x150"));
            Assert.That((options.FunctionalsWeight, options.FunctionalsL2, options.AverageLastShare), Is.EqualTo((0.25, 0.03, 0.2)));
            Assert.That(options.PitchRows, Is.EqualTo(EmotionRecognition.Application.Features.FeatureProfile.SequencePitch.PitchRows));
        });
    }

    [TestCase("speaker_adversary", "0.15")]
    [TestCase("mixup_alpha", "0.4")]
    [TestCase("test_mel_shifts", "-1, 0, 1")]
    [TestCase("repeat_short_clips", "false")]
    [TestCase("selection", "validation")]
    [TestCase("enabled", "false")]
    [TestCase("workers", "2")]
    public void CrnnSettings_KeyOfARemovedSwitch_IsRefusedSayingWhy(string key, string value)
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"crnn:{key}"] = value }).Build();

        var e = Assert.Throws<InvalidConfigurationException>(() => CrnnSettings.From(configuration));

        Assert.That(e!.Message, Does.Contain($"[crnn] {key} is no longer read"));
    }

    [TestCase("3", 3)]
    [TestCase(" 1 ", 1)]
    public void CrnnSettings_Ensemble_ReadsTheMemberCount(string text, int expected)
    {
        var settings = CrnnSettings.From(Ensemble(text));

        Assert.That(settings.Members, Is.EqualTo(expected));
    }

    [Test]
    public void CrnnSettings_NoEnsembleKey_TrainsTheShippedRecipesMemberCount()
    {
        var settings = CrnnSettings.From(Ensemble(null));

        Assert.That(settings.Members, Is.EqualTo(SequenceTrainingOptions.Default.Members).And.GreaterThan(1));
    }

    [Test]
    public void CrnnSettings_EnsembleGroups_ReadEachGroupsCountAndEpochs()
    {
        var settings = CrnnSettings.From(Ensemble("5x100, 3x150"));

        Assert.That(settings.Ensemble, Is.EqualTo(new[] { new EnsembleGroup(5, 100), new EnsembleGroup(3, 150) }));
        Assert.That(settings.Members, Is.EqualTo(8));
        Assert.That(settings.EnsembleText, Is.EqualTo("5x100, 3x150"));
        Assert.That(settings.MemberSchedule.Select(m => m.Epochs), Is.EqualTo(new[] { 100, 100, 100, 100, 100, 150, 150, 150 }));
        Assert.That(settings.MemberSchedule.Select(m => m.Index), Is.EqualTo(new[] { 0, 1, 2, 3, 4, 0, 1, 2 }));
    }

    [Test]
    public void CrnnSettings_EnsembleCountWithoutEpochs_UsesTheEpochsKey()
    {
        var configuration = CrnnConfig.With(("epochs", "40"), ("ensemble", "2, 1x60"));

        Assert.That(CrnnSettings.From(configuration).Ensemble, Is.EqualTo(new[] { new EnsembleGroup(2, 40), new EnsembleGroup(1, 60) }));
    }

    [TestCase("0")]
    [TestCase("17")]
    [TestCase("three")]
    [TestCase("2x")]
    [TestCase("x100")]
    [TestCase("3x0")]
    [TestCase("9x100, 8x150")]
    [TestCase("5x100,")]
    public void CrnnSettings_EnsembleOutOfRange_IsRefusedNamingTheKey(string text)
    {
        var e = Assert.Throws<InvalidConfigurationException>(() => CrnnSettings.From(Ensemble(text)));

        Assert.That(e!.Message, Does.Contain("[crnn] ensemble").And.Contain(text));
    }

    [Test]
    public void CrnnSettings_GroupsMarkedPitch_AreMixedWithPlainGroupsAndTheInputCarriesPitchRows()
    {
        var options = CrnnSettings.From(CrnnConfig.With(("ensemble", Mixed)));

        Assert.That(options.Ensemble, Is.EqualTo(new[]
        {
            new EnsembleGroup(2, 100, Pitch: true), new EnsembleGroup(1, 150, Pitch: true), new EnsembleGroup(1, 100), new EnsembleGroup(1, 150),
        }));
        Assert.That(options.PitchRows, Is.EqualTo(PitchFeatures.Rows));
        Assert.That(CrnnTraining.ProfileFor(options), Is.EqualTo(FeatureProfile.SequencePitch));
        Assert.That(options.MemberSchedule.Select(m => (m.Index, m.Pitch)), Is.EqualTo(new[] { (0, true), (1, true), (0, true), (0, false), (0, false) }));
    }

    [Test]
    public void CrnnSettings_PitchKeyWithAPlainGroup_MakesTheUnmarkedGroupsPitch()
    {
        var options = CrnnSettings.From(CrnnConfig.With(("pitch", "true"), ("ensemble", "2x100, 1x100 plain")));

        Assert.That(options.Ensemble.Select(g => g.Pitch), Is.EqualTo(new[] { true, false }));
    }

    [TestCase("2x100 loud")]
    [TestCase("2x100 pitch plain")]
    [TestCase("pitch")]
    public void CrnnSettings_GroupWithAnUnknownWord_IsRefusedNamingTheKey(string text)
    {
        var e = Assert.Throws<InvalidConfigurationException>(() => CrnnSettings.From(CrnnConfig.With(("ensemble", text))));

        Assert.That(e!.Message, Does.Contain("[crnn] ensemble").And.Contain(text));
    }

    [TestCase("true", PitchFeatures.Rows)]
    [TestCase(" TRUE ", PitchFeatures.Rows)]
    [TestCase("false", 0)]
    [TestCase(null, 0)]
    public void CrnnSettings_Pitch_TurnsPitchRowsAndTheirAugmentationOn(string? text, int rows)
    {
        // An ensemble whose groups say neither pitch nor plain: the pitch key decides them.
        var options = CrnnSettings.From(CrnnConfig.With(("ensemble", "2"), ("pitch", text)));

        Assert.That(options.PitchRows, Is.EqualTo(rows));
        Assert.That(options.Augmentation.MelRows, Is.EqualTo(rows == 0 ? null : FeatureProfile.SequencePitch.MelBands));
        Assert.That(options.Augmentation.PitchShiftSemitones, Is.EqualTo(rows == 0 ? 0 : SequenceTrainingOptions.PitchShiftSemitones));
        Assert.That(CrnnTraining.ProfileFor(options), Is.EqualTo(rows == 0 ? FeatureProfile.Sequence : FeatureProfile.SequencePitch));
    }

    [TestCase("yes")]
    [TestCase("1")]
    public void CrnnSettings_PitchNotTrueOrFalse_IsRefusedNamingTheKey(string text)
    {
        var e = Assert.Throws<InvalidConfigurationException>(() => CrnnSettings.From(CrnnConfig.With(("pitch", text))));

        Assert.That(e!.Message, Does.Contain("[crnn] pitch").And.Contain("true or false"));
    }

    [Test]
    public void CrnnSettings_FunctionalsWeight_IsTheShippedShareWithPitchNetworks_OffWithoutThem_AndNeedsThem()
    {
        Assert.That(CrnnSettings.From(CrnnConfig.With(("pitch", "true"))).FunctionalsWeight, Is.EqualTo(0.25));
        Assert.That(CrnnSettings.From(CrnnConfig.With(("ensemble", "2"))).FunctionalsWeight, Is.Zero);
        var on = CrnnSettings.From(CrnnConfig.With(("pitch", "true"), ("functionals_weight", "0.25"), ("functionals_l2", "0.5")));
        Assert.That((on.FunctionalsWeight, on.FunctionalsL2), Is.EqualTo((0.25, 0.5)));
        var mixed = CrnnSettings.From(CrnnConfig.With(("ensemble", "2x100 pitch, 1x100"), ("functionals_weight", "0.25")));
        Assert.That(mixed.FunctionalsWeight, Is.EqualTo(0.25), "a pitch group is enough");

        var e = Assert.Throws<InvalidConfigurationException>(() => CrnnSettings.From(CrnnConfig.With(("ensemble", "2"), ("functionals_weight", "0.25"))));
        Assert.That(e!.Message, Does.Contain("functionals_weight").And.Contain("pitch"));
    }

    [TestCase("functionals_weight", "1")]
    [TestCase("functionals_weight", "-0.1")]
    [TestCase("functionals_weight", "half")]
    [TestCase("functionals_l2", "-1")]
    public void CrnnSettings_FunctionalsKeyOutOfRange_IsRefusedNamingTheKey(string key, string value)
    {
        var e = Assert.Throws<InvalidConfigurationException>(() => CrnnSettings.From(CrnnConfig.With(("pitch", "true"), (key, value))));

        Assert.That(e!.Message, Does.Contain($"[crnn] {key} = '{value}'"));
    }

    /// <summary>Mixed pitch and log-mel groups, as shipped but smaller.</summary>
    private const string Mixed = "2x100 pitch, 1x150 pitch, 1x100, 1x150";

    private static IConfiguration Ensemble(string? ensemble) => CrnnConfig.With(("ensemble", ensemble));
}
