using EmotionRecognition.Trainer.Settings;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Configuration;
using EmotionRecognition.Infrastructure.Models;
using EmotionRecognition.Infrastructure.ModelSets;
using EmotionRecognition.IntegrationTests.Infrastructure;
using EmotionRecognition.Trainer.Sequence;
using Microsoft.Extensions.Configuration;
using static TorchSharp.torch;

namespace EmotionRecognition.IntegrationTests.Infrastructure;

public sealed class CrnnEnsembleTests
{
    private const int Bands = 16;

    private static FeatureMatrix RandomClip(int frames, int seed)
    {
        var random = new Random(seed);
        return new FeatureMatrix(Bands, frames, Enumerable.Range(0, Bands * frames).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray());
    }

    [Test]
    public void Forward_SoftmaxOfTheOutput_IsTheMeanOfTheMembersProbabilities()
    {
        manual_seed(21);
        var members = new[] { new EmotionCrnn(Bands, Emotions.Count), new EmotionCrnn(Bands, Emotions.Count), new EmotionCrnn(Bands, Emotions.Count) };
        using var ensemble = new EmotionCrnnEnsemble(members);
        ensemble.eval();
        var clips = new[] { RandomClip(30, 1), RandomClip(75, 2) };

        var joint = SequenceTrainer.PredictProbabilities(ensemble, clips);
        var each = members.Select(m => SequenceTrainer.PredictProbabilities(m, clips)).ToArray();

        for (int clip = 0; clip < clips.Length; clip++)
        {
            for (int c = 0; c < Emotions.Count; c++)
            {
                Assert.That(joint[clip][c], Is.EqualTo(each.Average(p => p[clip][c])).Within(1e-5), $"clip {clip}, class {c}");
            }
            // The members disagree, so the mean is not just one of them.
            Assert.That(each[0][clip], Is.Not.EqualTo(each[1][clip]));
        }
    }

    [TestCase(2, "crnn-v1x2")]
    [TestCase(3, "crnn-v1x3")]
    [TestCase(16, "crnn-v1x16")]
    public void ArchitectureName_RoundTripsItsMemberCount(int members, string name)
    {
        Assert.That(EmotionCrnnEnsemble.ArchitectureName(members), Is.EqualTo(name));
        Assert.That(EmotionCrnnEnsemble.TryParseArchitecture(name, out int parsed), Is.True);
        Assert.That(parsed, Is.EqualTo(members));
        Assert.That(NetworkArchitectures.IsKnown(NetworkType.Crnn, name), Is.True);
        Assert.That(NetworkArchitectures.IsKnown(NetworkType.Cnn, name), Is.False);
    }

    [TestCase("crnn-v1")]
    [TestCase("crnn-v1x1")]
    [TestCase("crnn-v1x17")]
    [TestCase("crnn-v1x03")]
    [TestCase("crnn-v1x+3")]
    [TestCase("crnn-v1x3 ")]
    [TestCase("crnn-v2x3")]
    public void TryParseArchitecture_AnythingButAnEnsembleName_IsFalse(string name)
    {
        Assert.That(EmotionCrnnEnsemble.TryParseArchitecture(name, out int _), Is.False);
    }

    [Test]
    public void Load_SetWithACrnnEnsemble_PredictsWhatTheSavedEnsemblePredicted()
    {
        using var folder = new TempFolder();
        var store = new ModelStore(folder.Path);
        TestModelSets.Save(store, seed: 31, crnnArchitecture: EmotionCrnnEnsemble.ArchitectureName(3));
        var sequence = FeatureProfile.Sequence;
        var set = store.LoadCurrent();
        var clip = new FeatureMatrix(sequence.MelBands, 60, Enumerable.Range(0, sequence.MelBands * 60).Select(i => (float)Math.Sin(i * 0.37)).ToArray());
        using var reloaded = new EmotionCrnnEnsemble(3, sequence.MelBands, Emotions.Count);
        reloaded.load(folder.Combine(set.Id, "crnn.bin"));

        var served = set.ClassifySequence(NetworkType.Crnn, clip);
        var direct = SequenceTrainer.PredictProbabilities(reloaded, [clip])[0];

        Assert.That(set.Manifest.Networks.Single(n => n.Network == "CRNN").Architecture, Is.EqualTo("crnn-v1x3"));
        Assert.That(served, Is.EqualTo(direct).Within(1e-6));
        Assert.That(served.Sum(), Is.EqualTo(1f).Within(1e-5));
    }

    [Test]
    public void Join_OneMember_IsThatPlainCrnn()
    {
        var options = SequenceTrainingOptions.OneNetwork with
        {
            Epochs = 1, BatchSize = 8, Threads = 1,
            Augmentation = SequenceAugmentation.Default with { CropFrames = 24, FrequencyMaskBands = 2, TimeMaskFrames = 3 },
        };
        var data = new LabeledSequences(Enumerable.Range(0, 8).Select(i => RandomClip(30, i)).ToArray(), Enumerable.Range(0, 8).ToArray());
        var member = SequenceTrainer.Fit(data, options, seed: 2, CancellationToken.None);

        var fit = SequenceEnsemble.Join([member]);
        using var module = fit.Module;

        Assert.That(module, Is.SameAs(member.Module));
        Assert.That(fit.Architecture, Is.EqualTo(EmotionCrnn.ArchitectureName));
    }


    private static void AssertSameWeights(nn.Module a, nn.Module b)
    {
        var left = a.state_dict();
        var right = b.state_dict();
        Assert.That(right.Keys, Is.EquivalentTo(left.Keys));
        foreach (var key in left.Keys)
        {
            Assert.That(left[key].eq(right[key]).all().item<bool>(), Is.True, key);
        }
    }
}
