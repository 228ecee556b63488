using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Configuration;
using EmotionRecognition.Trainer.Corpus;
using EmotionRecognition.Trainer.Sequence;
using EmotionRecognition.Trainer.Settings;
using EmotionRecognition.Trainer.Training;

namespace EmotionRecognition.IntegrationTests.Trainer.Sequence;

/// <summary>
/// <c>[crnn] ensemble = 2x100 pitch, 1x150 pitch, 1x100, 1x150</c>: pitch CRNNs and log-mel-only CRNNs in one ensemble. The
/// input carries the pitch rows; a log-mel-only member trains exactly as it would in a recipe without pitch.
/// </summary>
public sealed class MixedRecipeTests
{
    private const string Mixed = "2x100 pitch, 1x150 pitch, 1x100, 1x150";

    [Test]
    public void Jobs_PlainMemberOfAPitchRecipe_TrainsWithoutPitchRowsOrPitchAugmentation()
    {
        var shared = CrnnSettings.From(CrnnConfig.With(("ensemble", Mixed)));
        var jobs = SequenceJob.Members("final", [1, 2], 10, shared).ToArray();

        var pitch = jobs[0].Options(shared);
        var plain = jobs[3].Options(shared);

        Assert.Multiple(() =>
        {
            Assert.That(jobs.Select(j => j.Pitch), Is.EqualTo(new[] { true, true, true, false, false }));
            Assert.That(pitch.PitchRows, Is.EqualTo(PitchFeatures.Rows));
            Assert.That(pitch.Augmentation.MelRows, Is.EqualTo(FeatureProfile.SequencePitch.MelBands));
            Assert.That(plain.PitchRows, Is.Zero);
            Assert.That(plain.Augmentation, Is.EqualTo(SequenceTrainingOptions.OneNetwork.Augmentation), "the plain recipe's augmentation");
            Assert.That(plain.Epochs, Is.EqualTo(100));
        });
    }

    [Test]
    public void Select_PlainMember_GetsTheClipsWithoutTheirPitchRows()
    {
        var shared = CrnnSettings.From(CrnnConfig.With(("ensemble", Mixed)));
        var jobs = SequenceJob.Members("final", [1], 10, shared).ToArray();
        int mels = FeatureProfile.SequencePitch.MelBands, rows = mels + PitchFeatures.Rows, frames = 12;
        var values = Enumerable.Range(0, rows * frames).Select(i => (float)i).ToArray();
        RavdessFileName.TryParse("03-01-05-01-01-01-01.wav", out var name);
        LabeledClip<SequenceExample>[] clips = [new LabeledClip<SequenceExample>("03-01-05-01-01-01-01.wav", name!, "hash", new SequenceExample(new FeatureMatrix(rows, frames, values)))];

        var withPitch = jobs[0].Select(clips, shared).Features.Single();
        var melOnly = jobs[3].Select(clips, shared).Features.Single();

        Assert.That(withPitch.Rows, Is.EqualTo(rows));
        Assert.That(melOnly.Rows, Is.EqualTo(mels));
        Assert.That(melOnly.Values.ToArray(), Is.EqualTo(values[..(mels * frames)]));
    }
}
