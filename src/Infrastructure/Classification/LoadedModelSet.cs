using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Models;
using EmotionRecognition.Infrastructure.ModelSets;
using EmotionRecognition.Infrastructure.Onnx;

namespace EmotionRecognition.Infrastructure.Classification;

/// <summary>
/// One network of a loaded set, compiled for ONNX Runtime, with the standardisation (MFCC-vector networks) and
/// feature profile it was trained with.
/// </summary>
public sealed record LoadedNetwork(
    NetworkType Network,
    OnnxRuntimeNetwork Runtime,
    Standardization? Standardization,
    FeatureProfile Profile,
    NetworkEntry Entry);

/// <summary>
/// An immutable, verified model set. Safe to share across threads: every classification is one run of a network's
/// ONNX Runtime session on the calling thread. Disposing it releases the sessions.
/// </summary>
public sealed class LoadedModelSet : IModelSet, IDisposable
{
    private readonly IReadOnlyDictionary<NetworkType, LoadedNetwork> networks;

    internal LoadedModelSet(ModelManifest manifest, IReadOnlyDictionary<NetworkType, LoadedNetwork> networks)
    {
        Manifest = manifest;
        this.networks = networks;
        Models = networks.Values.OrderBy(n => n.Network).Select(Describe).ToArray();
    }

    public ModelManifest Manifest { get; }

    public string Id => Manifest.SetId;

    public IReadOnlyList<ModelDescription> Models { get; }

    public ModelDescription Describe(NetworkType network) => Describe(Find(network));

    public ValueTask<float[]> ClassifyAsync(NetworkType network, NetworkInput input, CancellationToken ct = default) =>
        ValueTask.FromResult(input switch
        {
            MfccVector vector => ClassifyMany(network, [vector.Mfccs])[0],
            SpeechSequence speech => ClassifySequence(network, speech.Sequence, speech.Functionals),
            null => throw new ArgumentNullException(nameof(input)),
            _ => throw new ArgumentException($"No network reads a {input.GetType().Name}.", nameof(input)),
        });

    public float[][] ClassifyMany(NetworkType network, IReadOnlyList<float[]> inputs)
    {
        var loaded = Find(network);
        var standardization = loaded.Standardization
            ?? throw new ArgumentException($"The {network.Name()} network classifies audio only; it takes no MFCC vector.");
        int size = standardization.Size;
        if (inputs.Count == 0)
        {
            return [];
        }
        var batch = new float[inputs.Count * size];
        for (int i = 0; i < inputs.Count; i++)
        {
            var row = inputs[i] ?? throw new ArgumentException($"Input {i} is missing.");
            if (row.Length != size)
            {
                throw new ArgumentException($"Input {i} has {row.Length} features; the {network.Name()} network takes {size}.");
            }
            if (!row.All(float.IsFinite))
            {
                throw new ArgumentException($"Input {i} contains a value that is not a finite number.");
            }
            standardization.Apply(row, batch.AsSpan(i * size, size));
        }

        var probabilities = loaded.Runtime.Run(batch, [inputs.Count, size]);
        int classes = probabilities.Length / inputs.Count;
        var result = new float[inputs.Count][];
        for (int i = 0; i < inputs.Count; i++)
        {
            result[i] = probabilities.AsSpan(i * classes, classes).ToArray();
        }
        return result;
    }

    private float[] ClassifySequence(NetworkType network, FeatureMatrix sequence, float[]? functionals)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        var loaded = Find(network);
        // Vector networks carry the standardisation of their MFCC inputs; sequence networks (CRNN, CRNN ensembles) normalise per utterance.
        if (loaded.Standardization is not null)
        {
            throw new ArgumentException($"The {network.Name()} network takes an MFCC vector, not a feature sequence.");
        }
        // The manifest's input size counts mel bands; a pitch network reads its profile's pitch rows after them.
        int rows = loaded.Entry.InputSize + loaded.Profile.PitchRows;
        if (sequence.Rows != rows)
        {
            throw new ArgumentException(loaded.Profile.PitchRows == 0
                ? $"The sequence has {sequence.Rows} bands per frame; the {network.Name()} network takes {rows}."
                : $"The sequence has {sequence.Rows} rows per frame; the {network.Name()} network takes {rows} " +
                  $"({loaded.Entry.InputSize} mel bands and {loaded.Profile.PitchRows} pitch rows, FeaturePipeline.Sequence with profile '{loaded.Profile.Name}').");
        }
        var functionalsModel = loaded.Entry.Functionals;
        if (functionalsModel is not null && functionals is null)
        {
            throw new ArgumentException(
                $"The {network.Name()} network is served with a functionals model and needs the clip's functionals (FeaturePipeline.Sequence with profile '{loaded.Profile.Name}').");
        }
        var (values, frames) = EmotionCrnn.InputValues(sequence);
        var probabilities = loaded.Runtime.Run(values, [1, sequence.Rows, frames]);
        return functionalsModel is null ? probabilities : functionalsModel.Mix(probabilities, functionals);
    }

    public void Dispose()
    {
        foreach (var network in networks.Values)
        {
            network.Runtime.Dispose();
        }
    }

    private LoadedNetwork Find(NetworkType network) =>
        networks.TryGetValue(network, out var loaded)
            ? loaded
            : throw new NetworkNotAvailableException(
                $"Model set '{Id}' has no {network.Name()} network; it has {string.Join(", ", networks.Keys.Order().Select(n => n.Name()))}.");

    private ModelDescription Describe(LoadedNetwork loaded) => new(
        loaded.Network,
        loaded.Profile,
        Manifest.Labels,
        loaded.Entry.Metrics is { } m ? new ModelMetrics(m.Pooled.Accuracy, m.Pooled.MacroF1, m.Protocol, m.Folds) : null,
        Manifest.CreatedAt);
}
