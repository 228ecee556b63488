using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Application.UseCases;
using EmotionRecognition.Domain;

namespace EmotionRecognition.Api.Contracts;

/// <summary><c>GET /models</c>: the set serving now and, per network, what it expects and how well it did.</summary>
public sealed record ModelsResponse(string ModelSetId, IReadOnlyList<ModelInfo> Models)
{
    /// <summary>Every served network takes both inputs on <c>POST /prediction/{networkType}</c>.</summary>
    private static readonly string[] Inputs = ["mfccs", "audio"];

    public static ModelsResponse From(ModelCatalog catalog) =>
        new(catalog.ModelSetId, catalog.Models.Select(m => new ModelInfo(
            m.Network.Name(), Inputs, m.Profile, m.Labels, m.Metrics, m.CreatedAt)).ToArray());
}

/// <param name="NetworkType">"CNN" or "DNN", as used in the route.</param>
/// <param name="Inputs">"mfccs" (JSON vector) and "audio" (WAV body or multipart file).</param>
/// <param name="FeatureProfile">How audio becomes the vector; clients computing MFCCs themselves must match it.</param>
/// <param name="Labels">Output order of the probabilities.</param>
/// <param name="Metrics">Speaker-independent evaluation; null when the set was trained without one.</param>
public sealed record ModelInfo(
    string NetworkType,
    IReadOnlyList<string> Inputs,
    FeatureProfile FeatureProfile,
    IReadOnlyList<string> Labels,
    ModelMetrics? Metrics,
    DateTimeOffset CreatedAt);
