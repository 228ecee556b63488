using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Application.UseCases;
using EmotionRecognition.Domain;

namespace EmotionRecognition.Api.Contracts;

/// <summary><c>GET /models</c>: the set serving now and, per network, what it expects and how well it did.</summary>
public sealed record ModelsResponse(string ModelSetId, IReadOnlyList<ModelInfo> Models)
{
    /// <summary>CNN and DNN take both inputs on <c>POST /prediction/{networkType}</c>; CRNN takes audio only.</summary>
    private static readonly string[] VectorAndAudio = ["mfccs", "audio"];
    private static readonly string[] AudioOnly = ["audio"];

    public static ModelsResponse From(ModelCatalog catalog) =>
        new(catalog.ModelSetId, catalog.Models.Select(m => new ModelInfo(
            m.Network.Name(), m.Network.TakesMfccVector() ? VectorAndAudio : AudioOnly, m.Profile, m.Labels, m.Metrics, m.CreatedAt)).ToArray());
}

/// <param name="NetworkType">"CNN", "DNN" or "CRNN", as used in the route.</param>
/// <param name="Inputs">"mfccs" (JSON vector) and/or "audio" (WAV body or multipart file).</param>
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
