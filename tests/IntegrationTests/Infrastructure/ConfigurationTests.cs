using EmotionRecognition.Trainer.Settings;
using EmotionRecognition.Infrastructure.Configuration;
using Microsoft.Extensions.Configuration;

namespace EmotionRecognition.IntegrationTests.Infrastructure;

[TestFixture]
[NonParallelizable] // sets process environment variables
public sealed class ConfigurationTests
{
    private static IConfiguration Load(string configFile) => new ConfigurationBuilder().AddEmotionConfigIni(configFile).Build();

    [Test]
    public void SourcePath_Relative_ResolvesAgainstConfigFolder()
    {
        using var folder = new TempFolder();
        var file = folder.Combine("config.ini");
        File.WriteAllText(file, "[data]\nsource_path = data/ravdess\n[models]\npath = trained\n");

        var configuration = Load(file);

        Assert.That(DataOptions.From(configuration).SourcePath, Is.EqualTo(folder.Combine("data", "ravdess")));
        Assert.That(ModelsOptions.From(configuration).Path, Is.EqualTo(folder.Combine("trained")));
        Assert.That(DataOptions.From(configuration).CachePath, Is.EqualTo(folder.Combine(".cache", "features")));
    }

    [Test]
    public void EnvironmentVariable_OverridesFile()
    {
        using var folder = new TempFolder();
        var file = folder.Combine("config.ini");
        File.WriteAllText(file, "[data]\nsource_path = data/ravdess\n[training]\nepochs = 10\n");
        Environment.SetEnvironmentVariable("EMOTION_DATA__SOURCE_PATH", "/elsewhere/ravdess");
        Environment.SetEnvironmentVariable("EMOTION_TRAINING__EPOCHS", "7");
        try
        {
            var configuration = Load(file);
            Assert.That(DataOptions.From(configuration).SourcePath, Is.EqualTo("/elsewhere/ravdess"));
            Assert.That(TrainingOptions.From(configuration).Epochs, Is.EqualTo(7));
        }
        finally
        {
            Environment.SetEnvironmentVariable("EMOTION_DATA__SOURCE_PATH", null);
            Environment.SetEnvironmentVariable("EMOTION_TRAINING__EPOCHS", null);
        }
    }

    [Test]
    public void EmotionConfigVariable_NamesTheFile()
    {
        using var folder = new TempFolder();
        var file = folder.Combine("other.ini");
        File.WriteAllText(file, "[models]\npath = m\n");
        Environment.SetEnvironmentVariable(EmotionConfiguration.ConfigFileVariable, file);
        try
        {
            var configuration = new ConfigurationBuilder().AddEmotionConfigIni().Build();
            Assert.That(ModelsOptions.From(configuration).Path, Is.EqualTo(folder.Combine("m")));
        }
        finally
        {
            Environment.SetEnvironmentVariable(EmotionConfiguration.ConfigFileVariable, null);
        }
    }

    [Test]
    public void RepositoryConfigIni_KeepsTheOriginalKeyAndDefaults()
    {
        var root = Native.TorchSharpLoadingTests.RepositoryRoot();
        var configuration = Load(Path.Combine(root, "config.ini"));

        Assert.That(DataOptions.From(configuration).SourcePath, Is.EqualTo(Path.Combine(root, "data", "ravdess")));
        Assert.That(ModelsOptions.From(configuration).Path, Is.EqualTo(Path.Combine(root, "models")));
        Assert.That(TrainingOptions.From(configuration).Folds, Is.EqualTo(5));
    }

    [Test]
    public void ExplicitPath_Missing_ThrowsNamingTheFile()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.ini");
        var e = Assert.Throws<InvalidConfigurationException>(() => new ConfigurationBuilder().AddEmotionConfigIni(missing));
        Assert.That(e!.Message, Does.Contain(missing));
    }

}
