using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Configuration;
using EmotionRecognition.IntegrationTests.Infrastructure;
using EmotionRecognition.Trainer.Settings;
using Microsoft.Extensions.Configuration;

namespace EmotionRecognition.IntegrationTests.Trainer;

/// <summary><c>[training]</c>: which networks train, how many CRNN workers, and the CNN's and DNN's recipe.</summary>
public sealed class TrainingOptionsTests
{
    [TestCase("1", 1)]
    [TestCase(" 6 ", 6)]
    public void TrainingOptions_Workers_ReadsTheCount(string text, int expected)
    {
        Assert.That(TrainingOptions.From(Workers(text)).Workers, Is.EqualTo(expected));
    }

    [Test]
    public void TrainingOptions_NoWorkersKey_RunsOneWorkerPerCore()
    {
        Assert.That(TrainingOptions.From(Workers(null)).Workers, Is.EqualTo(Environment.ProcessorCount));
    }

    [TestCase("0")]
    [TestCase("-2")]
    [TestCase("many")]
    public void TrainingOptions_WorkersNotAPositiveCount_IsRefusedNamingTheKey(string text)
    {
        var e = Assert.Throws<InvalidConfigurationException>(() => TrainingOptions.From(Workers(text)));

        Assert.That(e!.Message, Does.Contain("[training] workers").And.Contain(text));
    }

    [TestCase("epochs = many", "[training] epochs = 'many' is not a whole number >= 1.")]
    [TestCase("learning_rate = -1", "[training] learning_rate = '-1' is not a number > 0.")]
    [TestCase("folds = 1", "[training] folds = '1' is not a whole number >= 2.")]
    public void TrainingOptions_BadValue_MessageNamesKeyAndProblem(string line, string message)
    {
        using var folder = new TempFolder();
        var file = folder.Combine("config.ini");
        File.WriteAllText(file, $"[training]\n{line}\n");

        var e = Assert.Throws<InvalidConfigurationException>(() => TrainingOptions.From(Load(file)));

        Assert.That(e!.Message, Is.EqualTo(message));
    }

    [Test]
    public void TrainingOptions_NoNetworksKey_TrainsAllThree()
    {
        Assert.That(TrainingOptions.From(With("networks", null)).Networks, Is.EqualTo(new[] { NetworkType.Cnn, NetworkType.Dnn, NetworkType.Crnn }));
    }

    [TestCase("CNN, DNN", new[] { NetworkType.Cnn, NetworkType.Dnn })]
    [TestCase(" crnn ,cnn", new[] { NetworkType.Cnn, NetworkType.Crnn })]
    public void TrainingOptions_Networks_ReadsTheListInNetworkOrder(string text, NetworkType[] expected)
    {
        Assert.That(TrainingOptions.From(With("networks", text)).Networks, Is.EqualTo(expected));
    }

    [TestCase("CNN, CNN")]
    [TestCase("CNN, RNN")]
    public void TrainingOptions_NetworksNotDistinctKnownNames_IsRefusedNamingTheKey(string text)
    {
        var e = Assert.Throws<InvalidConfigurationException>(() => TrainingOptions.From(With("networks", text)));

        Assert.That(e!.Message, Does.Contain($"[training] networks = '{text}'"));
    }

    private static IConfiguration Workers(string? workers) => With("workers", workers);

    private static IConfiguration With(string key, string? value) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [$"training:{key}"] = value }).Build();

    private static IConfiguration Load(string configFile) => new ConfigurationBuilder().AddEmotionConfigIni(configFile).Build();
}
