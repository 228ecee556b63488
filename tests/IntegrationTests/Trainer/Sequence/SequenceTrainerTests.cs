using EmotionRecognition.Trainer.Settings;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Models;
using EmotionRecognition.Trainer.Sequence;
using static TorchSharp.torch;

namespace EmotionRecognition.IntegrationTests.Trainer.Sequence;

public sealed class SequenceTrainerTests
{
    private const int Bands = 16;

    /// <summary>Tiny, fast settings: the recipe of the real run at a scale CI can afford.</summary>
    internal static readonly SequenceTrainingOptions Tiny = SequenceTrainingOptions.OneNetwork with
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
        var test = Synthetic(perClass: 6, seed: 3);

        var fit = SequenceTrainer.Fit(train, Tiny, seed: 7, CancellationToken.None);
        using var module = fit.Module;
        var predicted = SequenceTrainer.PredictClasses(module, test.Features);

        double accuracy = predicted.Zip(test.Classes).Count(p => p.First == p.Second) / (double)test.Count;
        // Chance is 1/8 = 0.125.
        Assert.That(accuracy, Is.GreaterThan(0.6));
        Assert.That(fit.EpochsRun, Is.EqualTo(Tiny.Epochs));
    }

    [Test]
    public void Fit_SameSeedTwice_GivesIdenticalWeights()
    {
        var train = Synthetic(perClass: 3, seed: 1);
        var options = Tiny with { Epochs = 2 };

        using var first = SequenceTrainer.Fit(train, options, seed: 11, CancellationToken.None).Module;
        using var second = SequenceTrainer.Fit(train, options, seed: 11, CancellationToken.None).Module;

        var a = first.state_dict();
        var b = second.state_dict();
        Assert.That(b.Keys, Is.EquivalentTo(a.Keys));
        foreach (var key in a.Keys)
        {
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

    [TestCase(5)]
    [TestCase(1)]
    public void ToInput_ClipShorterThanEightFrames_IsRepeatedCyclicallyUpToEight(int frames)
    {
        var clip = new FeatureMatrix(2, frames, Enumerable.Range(0, 2 * frames).Select(i => (float)i).ToArray());

        using var input = EmotionCrnn.ToInput(clip);

        Assert.That(input.shape, Is.EqualTo(new long[] { 1, 2, EmotionCrnn.MinFrames }));
        var values = input.data<float>().ToArray();
        for (int m = 0; m < 2; m++)
        {
            for (int t = 0; t < EmotionCrnn.MinFrames; t++)
            {
                Assert.That(values[m * EmotionCrnn.MinFrames + t], Is.EqualTo(clip[m, t % frames]), $"row {m}, frame {t}");
            }
        }
    }

    [Test]
    public void ToInput_ClipOfEightFramesOrMore_IsReadWhole()
    {
        var clip = new FeatureMatrix(2, 20, Enumerable.Range(0, 40).Select(i => (float)i).ToArray());

        using var input = EmotionCrnn.ToInput(clip);

        Assert.That(input.shape, Is.EqualTo(new long[] { 1, 2, 20 }));
        Assert.That(input.data<float>().ToArray(), Is.EqualTo(clip.Values.ToArray()));
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
