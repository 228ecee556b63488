using EmotionRecognition.Trainer.Settings;
using Microsoft.Extensions.Configuration;

namespace EmotionRecognition.IntegrationTests.Trainer;

/// <summary>A configuration with the given <c>[crnn]</c> keys (null: unset), for CrnnSettings tests.</summary>
internal static class CrnnConfig
{
    public static IConfiguration With(params (string Key, string? Value)[] keys)
    {
        var values = new Dictionary<string, string?>();
        foreach (var (key, value) in keys)
        {
            values[$"crnn:{key}"] = value;
        }
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }
}
