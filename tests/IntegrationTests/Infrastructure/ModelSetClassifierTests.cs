using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure;
using EmotionRecognition.Infrastructure.Classification;
using EmotionRecognition.Infrastructure.Configuration;
using EmotionRecognition.Infrastructure.ModelSets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EmotionRecognition.IntegrationTests.Infrastructure;

[TestFixture]
public sealed class ModelSetClassifierTests
{
    [Test]
    public void NoModels_StaysAliveAndSaysWhy()
    {
        using var folder = new TempFolder();

        var classifier = new ModelSetClassifier(new ModelsOptions { Path = folder.Path });

        Assert.That(classifier.UnavailableReason, Does.Contain("No trained models"));
        var e = Assert.Throws<ModelsUnavailableException>(() => _ = classifier.Current);
        Assert.That(e!.Message, Is.EqualTo(classifier.UnavailableReason));
    }

    [Test]
    public void Predict_25Mfccs_Returns8ProbabilitiesSummingToOne()
    {
        using var folder = new TempFolder();
        TestModelSets.Save(new ModelStore(folder.Path), seed: 3);
        var classifier = new ModelSetClassifier(new ModelsOptions { Path = folder.Path });

        foreach (var network in NetworkTypes.MfccVector)
        {
            var rows = classifier.Current.ClassifyMany(network, [TestModelSets.Input(1), TestModelSets.Input(2)]);

            Assert.That(rows, Has.Length.EqualTo(2));
            foreach (var row in rows)
            {
                Assert.That(row, Has.Length.EqualTo(Emotions.Count));
                Assert.That(row.Sum(), Is.EqualTo(1f).Within(1e-5));
                Assert.That(row, Has.All.InRange(0f, 1f));
            }
            Assert.That(rows[0], Is.Not.EqualTo(rows[1]));
        }
    }

    [Test]
    public void Predict_BatchOfMany_EqualsOneByOne()
    {
        using var folder = new TempFolder();
        TestModelSets.Save(new ModelStore(folder.Path), seed: 3);
        var set = new ModelSetClassifier(new ModelsOptions { Path = folder.Path }).Current;
        var inputs = Enumerable.Range(0, 10).Select(TestModelSets.Input).ToArray();

        var batched = set.ClassifyMany(NetworkType.Cnn, inputs);

        for (int i = 0; i < inputs.Length; i++)
        {
            Assert.That(batched[i], Is.EqualTo(set.ClassifyMany(NetworkType.Cnn, [inputs[i]])[0]).Within(1e-6f));
        }
    }

    [Test]
    public void Predict_ParallelCalls_GiveTheSameAnswersAsSequential()
    {
        using var folder = new TempFolder();
        TestModelSets.Save(new ModelStore(folder.Path), seed: 4);
        var set = new ModelSetClassifier(new ModelsOptions { Path = folder.Path }).Current;
        var inputs = Enumerable.Range(0, 64).Select(TestModelSets.Input).ToArray();
        var expected = inputs.Select(x => NetworkTypes.MfccVector.Select(n => set.ClassifyMany(n, [x])[0]).ToArray()).ToArray();

        var actual = new float[inputs.Length][][];
        Parallel.For(0, inputs.Length * 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k =>
        {
            int i = k % inputs.Length;
            actual[i] = NetworkTypes.MfccVector.Select(n => set.ClassifyMany(n, [inputs[i]])[0]).ToArray();
            for (int n = 0; n < NetworkTypes.MfccVector.Count; n++)
            {
                Assert.That(actual[i][n], Is.EqualTo(expected[i][n]).Within(1e-6f));
            }
        });
    }

    [Test]
    public void Predict_WrongLength_ThrowsArgumentNamingTheSizes()
    {
        using var folder = new TempFolder();
        TestModelSets.Save(new ModelStore(folder.Path), seed: 3);
        var set = new ModelSetClassifier(new ModelsOptions { Path = folder.Path }).Current;

        var e = Assert.Throws<ArgumentException>(() => set.ClassifyMany(NetworkType.Dnn, [new float[24]]));

        Assert.That(e!.Message, Does.Contain("24 features").And.Contain("takes 25"));
    }

    [Test]
    public void Reload_NewSet_IsServedAndOldSnapshotStillWorks()
    {
        using var folder = new TempFolder();
        var store = new ModelStore(folder.Path);
        var first = TestModelSets.Save(store, seed: 1);
        var classifier = new ModelSetClassifier(new ModelsOptions { Path = folder.Path });
        var held = classifier.Current;

        var second = TestModelSets.Save(store, seed: 2);
        Assert.That(classifier.Reload(), Is.True);

        Assert.That(classifier.Current.Id, Is.EqualTo(second));
        Assert.That(held.Id, Is.EqualTo(first));
        Assert.That(held.ClassifyMany(NetworkType.Dnn, [TestModelSets.Input(1)])[0].Sum(), Is.EqualTo(1f).Within(1e-5));
    }

    [Test]
    public void Reload_BrokenNewSet_KeepsServingTheOldOne()
    {
        using var folder = new TempFolder();
        var store = new ModelStore(folder.Path);
        var first = TestModelSets.Save(store, seed: 1);
        var classifier = new ModelSetClassifier(new ModelsOptions { Path = folder.Path });
        var second = TestModelSets.Save(store, seed: 2);
        File.WriteAllBytes(folder.Combine(second, "cnn.bin"), [1, 2, 3]);

        Assert.That(classifier.Reload(), Is.False);

        Assert.That(classifier.Current.Id, Is.EqualTo(first));
        Assert.That(classifier.UnavailableReason, Is.Null);
    }

    [Test]
    public void AddInfrastructure_RegistersOneClassifierForTheConfiguredFolder()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.Combine("config.ini"), "[models]\npath = trained\n");
        TestModelSets.Save(new ModelStore(folder.Combine("trained")), seed: 5);
        var configuration = new ConfigurationBuilder().AddEmotionConfigIni(folder.Combine("config.ini")).Build();

        using var provider = new ServiceCollection().AddInfrastructure(configuration).BuildServiceProvider();

        var classifier = provider.GetRequiredService<IEmotionClassifier>();
        Assert.That(classifier, Is.InstanceOf<ModelSetClassifier>());
        Assert.That(provider.GetRequiredService<IEmotionClassifier>(), Is.SameAs(classifier));
        Assert.That(provider.GetRequiredService<ModelsOptions>().Path, Is.EqualTo(folder.Combine("trained")));
        Assert.That(classifier.Current.Models, Has.Count.EqualTo(NetworkTypes.All.Count));
    }
}
