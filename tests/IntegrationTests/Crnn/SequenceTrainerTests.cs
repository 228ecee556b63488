using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Models;
using EmotionRecognition.Trainer.Sequence;
using static TorchSharp.torch;

namespace EmotionRecognition.IntegrationTests.Crnn;

public sealed class SequenceTrainerTests
{
    private const int Bands = 16;

    /// <summary>Tiny, fast settings: the recipe of the real run at a scale CI can afford.</summary>
    internal static readonly SequenceTrainingOptions Tiny = SequenceTrainingOptions.Default with
    {
        Epochs = 12,
        BatchSize = 16,
        Threads = 1,
        Augmentation = SequenceAugmentation.Default with { CropFrames = 24, FrequencyMaskBands = 2, TimeMaskFrames = 3 },
    };

    /// <summary>
    /// Normalised spectrogram-like sequences of 20-40 frames where class c is a ridge that glides from band
    /// c to band c + 4 (a "pitch contour" per class) in noise, at a random start time.
    /// </summary>
    internal static LabeledSequences Synthetic(int perClass, int seed)
    {
        var random = new Random(seed);
        var features = new List<FeatureMatrix>();
        var classes = new List<int>();
        for (int c = 0; c < Emotions.Count; c++)
        {
            for (int n = 0; n < perClass; n++)
            {
                int frames = random.Next(20, 41);
                var values = new float[Bands * frames];
                for (int t = 0; t < frames; t++)
                {
                    double ridge = c + 4.0 * t / frames;
                    for (int m = 0; m < Bands; m++)
                    {
                        values[m * frames + t] = (float)(2 * Math.Exp(-(m - ridge) * (m - ridge)) + 0.5 * (random.NextDouble() - 0.5));
                    }
                }
                features.Add(SequenceFeatures.NormalisePerUtterance(new FeatureMatrix(Bands, frames, values)));
                classes.Add(c);
            }
        }
        return new LabeledSequences(features, [.. classes]);
    }

    [Test]
    public void Fit_TinySyntheticSequences_ClassifiesUnseenClipsFarAboveChance()
    {
        var train = Synthetic(perClass: 12, seed: 1);
        var validation = Synthetic(perClass: 4, seed: 2);
        var test = Synthetic(perClass: 6, seed: 3);

        var fit = SequenceTrainer.Fit(train, validation, Tiny, seed: 7, CancellationToken.None);
        using var module = fit.Module;
        var predicted = SequenceTrainer.PredictClasses(module, test.Features);

        double accuracy = predicted.Zip(test.Classes).Count(p => p.First == p.Second) / (double)test.Count;
        // Chance is 1/8 = 0.125.
        Assert.That(accuracy, Is.GreaterThan(0.6));
        Assert.That(fit.BestEpoch, Is.InRange(1, Tiny.Epochs));
    }

    [Test]
    public void Fit_SelectingOnValidationWithTestMelShifts_ScoresTheValidationClipsAsServedWithThoseShifts()
    {
        var train = Synthetic(perClass: 6, seed: 1);
        var validation = Synthetic(perClass: 3, seed: 2);
        IReadOnlyList<double> shifts = [-3, 3];
        var options = Tiny with { Epochs = 6, TestMelShifts = shifts };

        var fit = SequenceTrainer.Fit(train, validation, options, seed: 5, CancellationToken.None);
        using var module = fit.Module;

        double Accuracy(IReadOnlyList<double>? melShifts) =>
            SequenceTrainer.PredictClasses(module, validation.Features, options.TestWindowFrames, melShifts, Bands)
                .Zip(validation.Classes).Count(p => p.First == p.Second) / (double)validation.Count;
        Assert.That(fit.BestValidationAccuracy, Is.EqualTo(Accuracy(shifts)), "the kept epoch was scored with the served shifts");
        Assert.That(Accuracy(null), Is.Not.EqualTo(Accuracy(shifts)), "the shifts change this model's validation accuracy, so the test can tell");
    }

    [Test]
    public void Fit_SameSeedTwice_GivesIdenticalWeights()
    {
        var train = Synthetic(perClass: 3, seed: 1);
        var validation = Synthetic(perClass: 1, seed: 2);
        var options = Tiny with { Epochs = 2 };

        using var first = SequenceTrainer.Fit(train, validation, options, seed: 11, CancellationToken.None).Module;
        using var second = SequenceTrainer.Fit(train, validation, options, seed: 11, CancellationToken.None).Module;

        var a = first.state_dict();
        var b = second.state_dict();
        Assert.That(b.Keys, Is.EquivalentTo(a.Keys));
        foreach (var key in a.Keys)
        {
            Assert.That(a[key].eq(b[key]).all().item<bool>(), Is.True, key);
        }
    }

    [Test]
    public void Fit_WithMixup_TrainsReproducibly()
    {
        var train = Synthetic(perClass: 3, seed: 1);
        var validation = Synthetic(perClass: 1, seed: 2);
        var options = Tiny with { Epochs = 3, MixupAlpha = 0.4 };

        using var first = SequenceTrainer.Fit(train, validation, options, seed: 13, CancellationToken.None).Module;
        using var second = SequenceTrainer.Fit(train, validation, options, seed: 13, CancellationToken.None).Module;

        var a = first.state_dict();
        var b = second.state_dict();
        foreach (var key in a.Keys)
        {
            Assert.That(a[key].isfinite().all().item<bool>(), Is.True, key);
            Assert.That(a[key].eq(b[key]).all().item<bool>(), Is.True, key);
        }
    }

    [TestCase(1)]
    [TestCase(8)]
    [TestCase(37)]
    [TestCase(400)]
    public void PredictProbabilities_AnyClipLength_Gives8ProbabilitiesSummingTo1(int frames)
    {
        manual_seed(3);
        using var module = new EmotionCrnn(Bands, Emotions.Count);
        var random = new Random(frames);
        var clip = new FeatureMatrix(Bands, frames, Enumerable.Range(0, Bands * frames).Select(_ => (float)random.NextDouble()).ToArray());

        var probabilities = SequenceTrainer.PredictProbabilities(module, [clip])[0];

        Assert.That(probabilities, Has.Length.EqualTo(Emotions.Count));
        Assert.That(probabilities.Sum(), Is.EqualTo(1f).Within(1e-5));
        Assert.That(probabilities, Is.All.Matches<float>(p => p is >= 0 and <= 1));
    }

    [Test]
    public void ToInputs_MelShifts_MoveOnlyTheMelRows_AndShiftZeroIsTheClip()
    {
        // 4 mel rows with value 10·row + frame, then one pitch row.
        var clip = new FeatureMatrix(5, 3, Enumerable.Range(0, 15).Select(i => i < 12 ? 10f * (i / 3) + i % 3 : -7f).ToArray());

        using var inputs = EmotionCrnn.ToInputs(clip, windowFrames: 3, melShifts: [0, 1, -0.5], melBands: 4);
        using var plain = EmotionCrnn.ToInput(clip, 3);

        Assert.That(inputs.shape, Is.EqualTo(new long[] { 3, 5, EmotionCrnn.MinFrames }));
        var v = inputs.data<float>().ToArray();
        int frames = EmotionCrnn.MinFrames, size = 5 * frames;
        float At(int copy, int row, int t) => v[copy * size + row * frames + t];
        Assert.Multiple(() =>
        {
            Assert.That(v[..size], Is.EqualTo(plain.data<float>().ToArray()), "shift 0");
            Assert.That(At(1, 0, 1), Is.EqualTo(11f), "+1: row 0 reads row 1");
            Assert.That(At(1, 3, 1), Is.EqualTo(31f), "+1: the top mel row is clamped");
            Assert.That(At(2, 2, 0), Is.EqualTo(15f), "-0.5: row 2 reads halfway to row 1");
            Assert.That(At(2, 0, 0), Is.EqualTo(0f), "-0.5: the bottom row is clamped");
            Assert.That(Enumerable.Range(0, 3).All(k => At(k, 4, 2) == -7f), Is.True, "the pitch row never moves");
        });
    }

    [TestCase(5, 12, 12)]
    [TestCase(20, 12, 20)]
    [TestCase(3, 2, EmotionCrnn.MinFrames)]
    public void ToInput_ClipShorterThanTheWindow_IsRepeatedCyclicallyUpToIt(int frames, int window, int expected)
    {
        var clip = new FeatureMatrix(2, frames, Enumerable.Range(0, 2 * frames).Select(i => (float)i).ToArray());

        using var input = EmotionCrnn.ToInput(clip, window);

        Assert.That(input.shape, Is.EqualTo(new long[] { 1, 2, expected }));
        var values = input.data<float>().ToArray();
        for (int m = 0; m < 2; m++)
        {
            for (int t = 0; t < expected; t++)
            {
                Assert.That(values[m * expected + t], Is.EqualTo(clip[m, t % frames]), $"row {m}, frame {t}");
            }
        }
    }

    [Test]
    public void Draw_ClipShorterThanTheWindow_RepeatsItWithoutMasksOrPerturbation()
    {
        var plain = new SequenceAugmentation(CropFrames: 10, SpeedRange: 0, WarpBands: 0, FrequencyMasks: 0, FrequencyMaskBands: 0, TimeMasks: 0, TimeMaskFrames: 0);
        var clip = new FeatureMatrix(2, 4, [0, 1, 2, 3, 10, 11, 12, 13]);
        var window = new float[2 * 10];

        plain.Draw(clip, new Random(5), window);

        // Whatever the start, the window repeats with the clip's period and keeps each band's values.
        for (int t = 0; t < 10; t++)
        {
            if (t + 4 < 10)
            {
                Assert.That(window[t + 4], Is.EqualTo(window[t]).Within(1e-5), $"frame {t}");
            }
            Assert.That(window[10 + t] - window[t], Is.EqualTo(10).Within(1e-4), $"frame {t}");
            Assert.That(window[t], Is.InRange(0f, 3f));
        }
    }
}
