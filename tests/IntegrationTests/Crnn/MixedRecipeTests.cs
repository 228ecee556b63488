using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Configuration;
using EmotionRecognition.Trainer.Sequence;
using EmotionRecognition.Trainer.Training;

namespace EmotionRecognition.IntegrationTests.Crnn;

/// <summary>
/// <c>[crnn] ensemble = 2x100 pitch, 1x150 pitch, 1x100, 1x150</c>: pitch CRNNs and log-mel-only CRNNs in one ensemble. The
/// input carries the pitch rows; a log-mel-only member trains exactly as it would in a recipe without pitch.
/// </summary>
public sealed class MixedRecipeTests
{
    private const string Mixed = "2x100 pitch, 1x150 pitch, 1x100, 1x150";

    [Test]
    public void CrnnSettings_GroupsMarkedPitch_AreMixedWithPlainGroupsAndTheInputCarriesPitchRows()
    {
        var options = CrnnSettings.From(CrnnConfig.With(("ensemble", Mixed))).Options;

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
        var options = CrnnSettings.From(CrnnConfig.With(("pitch", "true"), ("ensemble", "2x100, 1x100 plain"))).Options;

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

    [Test]
    public void Jobs_PlainMemberOfAPitchRecipe_TrainsWithoutPitchRowsOrPitchAugmentation()
    {
        var shared = CrnnSettings.From(CrnnConfig.With(("ensemble", Mixed))).Options;
        var jobs = SequenceJob.Members("final", [1, 2], [], seed: 10, shared).ToArray();

        var pitch = jobs[0].Options(shared);
        var plain = jobs[3].Options(shared);

        Assert.Multiple(() =>
        {
            Assert.That(jobs.Select(j => j.Pitch), Is.EqualTo(new[] { true, true, true, false, false }));
            Assert.That(pitch.PitchRows, Is.EqualTo(PitchFeatures.Rows));
            Assert.That(pitch.Augmentation.MelRows, Is.EqualTo(FeatureProfile.SequencePitch.MelBands));
            Assert.That(plain.PitchRows, Is.Zero);
            Assert.That(plain.Augmentation, Is.EqualTo(SequenceTrainingOptions.Default.Augmentation), "the plain recipe's augmentation");
            Assert.That(plain.Epochs, Is.EqualTo(100));
        });
    }

    [Test]
    public void Select_PlainMember_GetsTheClipsWithoutTheirPitchRows()
    {
        var shared = CrnnSettings.From(CrnnConfig.With(("ensemble", Mixed))).Options;
        var jobs = SequenceJob.Members("final", [1], [], seed: 10, shared).ToArray();
        int mels = FeatureProfile.SequencePitch.MelBands, rows = mels + PitchFeatures.Rows, frames = 12;
        var values = Enumerable.Range(0, rows * frames).Select(i => (float)i).ToArray();
        RavdessFileName.TryParse("03-01-05-01-01-01-01.wav", out var name);
        SequenceClip[] clips = [new SequenceClip("03-01-05-01-01-01-01.wav", name!, "hash", new FeatureMatrix(rows, frames, values))];

        var withPitch = jobs[0].Select(clips, shared).Train.Features.Single();
        var melOnly = jobs[3].Select(clips, shared).Train.Features.Single();

        Assert.That(withPitch.Coefficients, Is.EqualTo(rows));
        Assert.That(melOnly.Coefficients, Is.EqualTo(mels));
        Assert.That(melOnly.Values.ToArray(), Is.EqualTo(values[..(mels * frames)]));
    }
}
