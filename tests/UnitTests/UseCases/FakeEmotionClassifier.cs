using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;

namespace EmotionRecognition.UnitTests.UseCases;

/// <summary>
/// A model set whose "network" turns an input into probabilities with a softmax over its first eight
/// numbers, so a test can tell which input produced which row. Records every forward pass.
/// </summary>
internal sealed class FakeModelSet(string id = "fake-set", params NetworkType[] networks) : IModelSet
{
    private readonly NetworkType[] _networks = networks.Length > 0 ? networks : [.. NetworkTypes.All];

    public string Id { get; } = id;

    public List<int> ForwardPassSizes { get; } = [];

    /// <summary>The feature profile every model of the set "was trained with".</summary>
    public FeatureProfile Profile { get; init; } = FeatureProfile.Compat;

    /// <summary>Runs inside every forward pass before it computes (e.g. to hold the batch thread).</summary>
    public Action? DuringForwardPass { get; set; }

    public IReadOnlyList<ModelDescription> Models =>
        _networks.Select(n => new ModelDescription(n, Profile, Emotions.AllLabels,
            new ModelMetrics(0.41, 0.39, "5 folds by actor", 5), new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero))).ToArray();

    public ModelDescription Describe(NetworkType network) =>
        Models.FirstOrDefault(m => m.Network == network) ?? throw new NetworkNotAvailableException($"No {network.Name()} model in {Id}.");

    public ValueTask<float[]> ClassifyAsync(NetworkType network, NetworkInput input, CancellationToken ct = default) =>
        ValueTask.FromResult(input switch
        {
            MfccVector vector => ClassifyMany(network, [vector.Mfccs])[0],
            SpeechSequence speech => ClassifySequence(network, speech.Sequence),
            _ => throw new ArgumentException($"No network reads a {input.GetType().Name}."),
        });

    public float[][] ClassifyMany(NetworkType network, IReadOnlyList<float[]> inputs)
    {
        Describe(network);
        lock (ForwardPassSizes)
        {
            ForwardPassSizes.Add(inputs.Count);
        }
        DuringForwardPass?.Invoke();
        return inputs.Select(Softmax).ToArray();
    }

    /// <summary>The softmax of the sequence's first frame (its first eight bands).</summary>
    private float[] ClassifySequence(NetworkType network, FeatureMatrix sequence)
    {
        Describe(network);
        lock (ForwardPassSizes)
        {
            ForwardPassSizes.Add(1);
        }
        return Softmax(Enumerable.Range(0, sequence.Rows).Select(m => sequence[m, 0]).ToArray());
    }

    public static float[] Softmax(float[] input)
    {
        var exp = input.Take(Emotions.Count).Select(v => Math.Exp(v)).ToArray();
        double sum = exp.Sum();
        return exp.Select(e => (float)(e / sum)).ToArray();
    }
}

internal sealed class FakeEmotionClassifier(FakeModelSet? models, string? unavailableReason = null) : IEmotionClassifier
{
    public IModelSet Current => models ?? throw new ModelsUnavailableException(UnavailableReason!);

    public string? UnavailableReason => models is null ? unavailableReason ?? "no models" : null;
}
