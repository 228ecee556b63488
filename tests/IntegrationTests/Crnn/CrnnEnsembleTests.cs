using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Configuration;
using EmotionRecognition.Infrastructure.Models;
using EmotionRecognition.Infrastructure.ModelStore;
using EmotionRecognition.IntegrationTests.Infrastructure;
using EmotionRecognition.Trainer.Sequence;
using Microsoft.Extensions.Configuration;
using static TorchSharp.torch;

namespace EmotionRecognition.IntegrationTests.Crnn;

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
    public void Fit_TwoMembers_FirstMemberIsTheSingleFitWithTheSameSeed()
    {
        var options = SequenceTrainingOptions.Default with
        {
            Epochs = 2, BatchSize = 8, Threads = 1, Ensemble = [new EnsembleGroup(2, 2)],
            Augmentation = SequenceAugmentation.Default with { CropFrames = 24, FrequencyMaskBands = 2, TimeMaskFrames = 3 },
        };
        var train = new LabeledSequences(Enumerable.Range(0, 16).Select(i => RandomClip(30, i)).ToArray(), Enumerable.Range(0, 16).Select(i => i % 8).ToArray());
        var validation = new LabeledSequences(Enumerable.Range(0, 8).Select(i => RandomClip(30, 100 + i)).ToArray(), Enumerable.Range(0, 8).ToArray());

        var ensemble = SequenceEnsemble.Fit(train, validation, options, seed: 5, CancellationToken.None);
        using var module = ensemble.Module;
        using var single = SequenceTrainer.Fit(train, validation, options with { Ensemble = [] }, seed: 5, CancellationToken.None).Module;
        using var second = SequenceTrainer.Fit(train, validation, options with { Ensemble = [] }, seed: SequenceEnsemble.MemberSeed(5, 1), CancellationToken.None).Module;

        Assert.That(ensemble.Architecture, Is.EqualTo("crnn-v1x2"));
        Assert.That(ensemble.Members, Has.Count.EqualTo(2));
        AssertSameWeights(ensemble.Members[0].Module, single);
        AssertSameWeights(ensemble.Members[1].Module, second);
    }

    [Test]
    public void Fit_OneMember_IsAPlainCrnn()
    {
        var options = SequenceTrainingOptions.Default with
        {
            Epochs = 1, BatchSize = 8, Threads = 1, Ensemble = [],
            Augmentation = SequenceAugmentation.Default with { CropFrames = 24, FrequencyMaskBands = 2, TimeMaskFrames = 3 },
        };
        var data = new LabeledSequences(Enumerable.Range(0, 8).Select(i => RandomClip(30, i)).ToArray(), Enumerable.Range(0, 8).ToArray());

        var fit = SequenceEnsemble.Fit(data, data, options, seed: 2, CancellationToken.None);
        using var module = fit.Module;

        Assert.That(module, Is.TypeOf<EmotionCrnn>());
        Assert.That(fit.Architecture, Is.EqualTo(EmotionCrnn.ArchitectureName));
    }

    [TestCase("3", 3)]
    [TestCase(" 1 ", 1)]
    public void CrnnSettings_Ensemble_ReadsTheMemberCount(string text, int expected)
    {
        var settings = CrnnSettings.From(Config(text));

        Assert.That(settings.Options.Members, Is.EqualTo(expected));
    }

    [Test]
    public void CrnnSettings_NoEnsembleKey_TrainsTheShippedRecipesMemberCount()
    {
        var settings = CrnnSettings.From(Config(null));

        Assert.That(settings.Options.Members, Is.EqualTo(SequenceTrainingOptions.Default.Members).And.GreaterThan(1));
    }

    [Test]
    public void CrnnSettings_EnsembleGroups_ReadEachGroupsCountAndEpochs()
    {
        var settings = CrnnSettings.From(Config("5x100, 3x150"));

        Assert.That(settings.Options.Ensemble, Is.EqualTo(new[] { new EnsembleGroup(5, 100), new EnsembleGroup(3, 150) }));
        Assert.That(settings.Options.Members, Is.EqualTo(8));
        Assert.That(settings.Options.EnsembleText, Is.EqualTo("5x100, 3x150"));
        Assert.That(settings.Options.MemberSchedule.Select(m => m.Epochs), Is.EqualTo(new[] { 100, 100, 100, 100, 100, 150, 150, 150 }));
        Assert.That(settings.Options.MemberSchedule.Select(m => m.Index), Is.EqualTo(new[] { 0, 1, 2, 3, 4, 0, 1, 2 }));
    }

    [Test]
    public void CrnnSettings_EnsembleCountWithoutEpochs_UsesTheEpochsKey()
    {
        var configuration = CrnnConfig.With(("epochs", "40"), ("ensemble", "2, 1x60"));

        Assert.That(CrnnSettings.From(configuration).Options.Ensemble, Is.EqualTo(new[] { new EnsembleGroup(2, 40), new EnsembleGroup(1, 60) }));
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
        var e = Assert.Throws<InvalidConfigurationException>(() => CrnnSettings.From(Config(text)));

        Assert.That(e!.Message, Does.Contain("[crnn] ensemble").And.Contain(text));
    }

    private static IConfiguration Config(string? ensemble) => CrnnConfig.With(("ensemble", ensemble));

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
