using EmotionRecognition.Trainer.Settings;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Models;
using EmotionRecognition.Trainer.Sequence;
using static TorchSharp.torch;

namespace EmotionRecognition.IntegrationTests.Infrastructure;

public sealed class PitchCrnnTests
{
    [TestCase(8)]
    [TestCase(13)]
    [TestCase(97)]
    [TestCase(100)]
    public void EmotionCrnn_WithPitchRows_AnyFrameCount_PoolsPitchToTheConvPathsStepsAndGivesLogits(int frames)
    {
        manual_seed(1);
        using var module = new EmotionCrnn(16, Emotions.Count, pitchRows: PitchFeatures.Rows);
        module.eval();
        using var input = randn(2, 16 + PitchFeatures.Rows, frames);

        using var logits = module.forward(input);

        Assert.That(logits.shape, Is.EqualTo(new long[] { 2, Emotions.Count }));
        Assert.That(logits.data<float>().ToArray(), Is.All.Matches<float>(float.IsFinite));
    }

    [Test]
    public void Draw_WithPitchRows_WarpAndFrequencyMasksLeaveThemAndOnlyTheAbsoluteRowShifts()
    {
        // 8 mel rows of noise, then periodicity 0.5, absolute pitch 0.25, intonation −0.5 in every frame.
        const int mels = 8, frames = 30, length = 20;
        var random = new Random(4);
        var values = new float[(mels + PitchFeatures.Rows) * frames];
        for (int i = 0; i < mels * frames; i++)
        {
            values[i] = (float)random.NextDouble();
        }
        float[] pitch = [0.5f, 0.25f, -0.5f];
        for (int r = 0; r < PitchFeatures.Rows; r++)
        {
            values.AsSpan((mels + r) * frames, frames).Fill(pitch[r]);
        }
        var clip = new FeatureMatrix(mels + PitchFeatures.Rows, frames, values);
        var augmentation = new SequenceAugmentation(CropFrames: length, SpeedRange: 0.1, WarpBands: 2, FrequencyMasks: 4, FrequencyMaskBands: 8,
            TimeMasks: 0, TimeMaskFrames: 0) { MelRows = mels, PitchShiftSemitones = 1 };
        var window = new float[(mels + PitchFeatures.Rows) * length];

        for (int draw = 0; draw < 50; draw++)
        {
            augmentation.Draw(clip, random, window);

            var shift = window[(mels + PitchFeatures.AbsoluteRow) * length] - pitch[PitchFeatures.AbsoluteRow];
            Assert.That(Math.Abs(shift), Is.LessThanOrEqualTo(PitchFeatures.AbsoluteScale / 12 + 1e-6), "at most a semitone");
            for (int t = 0; t < length; t++)
            {
                Assert.That(window[(mels + PitchFeatures.PeriodicityRow) * length + t], Is.EqualTo(pitch[PitchFeatures.PeriodicityRow]).Within(1e-6));
                Assert.That(window[(mels + PitchFeatures.AbsoluteRow) * length + t], Is.EqualTo(pitch[PitchFeatures.AbsoluteRow] + shift).Within(1e-6));
                Assert.That(window[(mels + PitchFeatures.RelativeRow) * length + t], Is.EqualTo(pitch[PitchFeatures.RelativeRow]).Within(1e-6));
            }
        }
    }

    [Test]
    public void Fit_PitchRows_TrainsAPitchCrnn()
    {
        var random = new Random(2);
        var features = Enumerable.Range(0, 32).Select(_ => new FeatureMatrix(8 + PitchFeatures.Rows, 24,
            Enumerable.Range(0, (8 + PitchFeatures.Rows) * 24).Select(_ => (float)random.NextDouble()).ToArray())).ToArray();
        var data = new LabeledSequences(features, Enumerable.Range(0, 32).Select(i => i % Emotions.Count).ToArray());
        var options = SequenceTrainingOptions.OneNetwork with
        {
            Epochs = 2, BatchSize = 16, Ensemble = [], PitchRows = PitchFeatures.Rows,
            Augmentation = SequenceAugmentation.Default with { CropFrames = 16, FrequencyMaskBands = 2, TimeMaskFrames = 3, MelRows = 8, PitchShiftSemitones = 1 },
        };

        var fit = SequenceTrainer.Fit(data, options, seed: 3, CancellationToken.None);
        using var module = fit.Module;

        Assert.That(module.Architecture, Is.EqualTo(EmotionCrnn.PitchArchitectureName));
        Assert.That(SequenceTrainer.PredictClasses(module, features), Has.Length.EqualTo(32));
    }
}
