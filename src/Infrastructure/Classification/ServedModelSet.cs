using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;

namespace EmotionRecognition.Infrastructure.Classification;

/// <summary>
/// A loaded set as the Api serves it: single MFCC vectors from concurrent requests join one forward pass through the
/// <see cref="InferenceBatcher"/>; everything else goes straight to the set.
/// </summary>
internal sealed class ServedModelSet(LoadedModelSet set, InferenceBatcher batcher) : IModelSet
{
    public string Id => set.Id;

    public IReadOnlyList<ModelDescription> Models => set.Models;

    public ModelDescription Describe(NetworkType network) => set.Describe(network);

    public ValueTask<float[]> ClassifyAsync(NetworkType network, NetworkInput input, CancellationToken ct = default) =>
        input is MfccVector vector && network.TakesMfccVector()
            ? batcher.PredictAsync(set, network, vector.Mfccs, ct)
            : set.ClassifyAsync(network, input, ct);

    public float[][] ClassifyMany(NetworkType network, IReadOnlyList<float[]> mfccVectors) => set.ClassifyMany(network, mfccVectors);
}
