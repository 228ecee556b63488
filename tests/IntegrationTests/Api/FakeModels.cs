using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;

namespace EmotionRecognition.IntegrationTests.Api;

/// <summary>
/// A model set with fixed answers that are exact binary fractions, so the response bytes are known
/// in advance: DNN halves from angry down, CNN the same from surprised up. Records the inputs it saw.
/// </summary>
internal sealed class FakeModelSet : IModelSet
{
    public static readonly float[] DnnAnswer = [0.5f, 0.25f, 0.125f, 0.0625f, 0.03125f, 0.015625f, 0.0078125f, 0.0078125f];
    public static readonly float[] CnnAnswer = DnnAnswer.Reverse().ToArray();
    public static readonly DateTimeOffset CreatedAt = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    public string Id => "fake-0001";

    public List<float[]> Inputs { get; } = [];

    public IReadOnlyList<ModelDescription> Models { get; } =
    [
        new(NetworkType.Cnn, FeatureProfile.Compat, Emotions.AllLabels, new ModelMetrics(0.41, 0.39, "5 folds by actor", 5), CreatedAt),
        new(NetworkType.Dnn, FeatureProfile.Compat, Emotions.AllLabels, null, CreatedAt),
    ];

    public ModelDescription Describe(NetworkType network) => Models.Single(m => m.Network == network);

    public float[][] ClassifyMany(NetworkType network, IReadOnlyList<float[]> inputs)
    {
        lock (Inputs)
        {
            Inputs.AddRange(inputs);
        }
        return inputs.Select(_ => (network == NetworkType.Dnn ? DnnAnswer : CnnAnswer).ToArray()).ToArray();
    }

    /// <summary>Sequence networks are not in this set; <see cref="Describe"/> fails as for any absent network.</summary>
    public ValueTask<float[]> ClassifyAsync(NetworkType network, NetworkInput input, CancellationToken ct = default)
    {
        Describe(network);
        return input is MfccVector vector
            ? ValueTask.FromResult(ClassifyMany(network, [vector.Mfccs])[0])
            : throw new InvalidOperationException($"{network.Name()} has no fixed answer for a sequence in the fake set.");
    }
}

internal sealed class FakeClassifier(FakeModelSet? models, string? reason = null) : IEmotionClassifier
{
    public IModelSet Current => models ?? throw new ModelsUnavailableException(reason!);

    public string? UnavailableReason => models is null ? reason : null;
}
