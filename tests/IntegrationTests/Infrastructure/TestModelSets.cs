using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Models;
using EmotionRecognition.Infrastructure.ModelSets;
using static TorchSharp.torch;

namespace EmotionRecognition.IntegrationTests.Infrastructure;

/// <summary>Saves small, untrained but complete model sets for store and classifier tests.</summary>
public static class TestModelSets
{
    public static string Save(ModelStore store, int seed, FeatureProfile? profile = null, Action<string>? beforePointerSwap = null, string? cnnArchitecture = null, string? crnnArchitecture = null,
        FeatureProfile? crnnProfile = null)
    {
        profile ??= FeatureProfile.Compat;
        manual_seed(seed);
        var random = new Random(seed);
        var standardization = new Standardization(
            Enumerable.Range(0, profile.CoefficientCount).Select(_ => (float)(random.NextDouble() * 10 - 5)).ToArray(),
            Enumerable.Range(0, profile.CoefficientCount).Select(_ => (float)(1 + random.NextDouble() * 5)).ToArray());
        var run = new TrainingRun([1, 2, 3], [4], 0, 0, 0);
        var metrics = new CrossValidatedMetrics("test protocol", 2,
            ClassificationMetrics.From([0, 1, 2], [0, 1, 1], Emotions.Count), [0.5, 1.0], [0.4, 0.8]);
        string Architecture(NetworkType n) => n switch
        {
            NetworkType.Cnn when cnnArchitecture is not null => cnnArchitecture,
            NetworkType.Crnn when crnnArchitecture is not null => crnnArchitecture,
            _ => NetworkArchitectures.Default(n),
        };
        var sequence = crnnProfile ?? FeatureProfile.Sequence;
        var networks = NetworkTypes.MfccVector.Select(n => new TrainedNetwork(
            n, Architecture(n),
            NetworkArchitectures.Create(n, Architecture(n), profile.CoefficientCount, Emotions.Count),
            standardization, run, metrics))
            .Append(new TrainedNetwork(
                NetworkType.Crnn, Architecture(NetworkType.Crnn),
                NetworkArchitectures.Create(NetworkType.Crnn, Architecture(NetworkType.Crnn), sequence.MelBands, Emotions.Count),
                null, run, metrics, sequence))
            .ToArray();
        try
        {
            var draft = new ModelSetDraft(seed, $"{seed:x8}feedface", profile, networks);
            return beforePointerSwap is null ? store.Save(draft) : new ModelStore(store.Root) { BeforePointerSwap = beforePointerSwap }.Save(draft);
        }
        finally
        {
            foreach (var n in networks)
            {
                n.Module.Dispose();
            }
        }
    }

    public static float[] Input(int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, FeatureProfile.ContractMfccCount).Select(_ => (float)(random.NextDouble() * 40 - 20)).ToArray();
    }
}
