using EmotionRecognition.Domain;

namespace EmotionRecognition.Api.Contracts;

/// <summary>The original request body: <c>{"mfccs":[25 numbers]}</c>.</summary>
public sealed record PredictionRequest(float[]? Mfccs);

/// <summary>One emotion and its probability: <c>{"emotionType":"angry","prediction":0.12}</c>.</summary>
public sealed record EmotionResult(string EmotionType, float Prediction);

/// <summary>The original response: all eight emotions in label order.</summary>
public sealed record PredictionResponse(IReadOnlyList<EmotionResult> Results)
{
    public static PredictionResponse From(IReadOnlyList<EmotionPrediction> predictions)
    {
        var results = new EmotionResult[predictions.Count];
        for (int i = 0; i < results.Length; i++)
        {
            results[i] = new EmotionResult(predictions[i].Emotion.Label(), predictions[i].Probability);
        }
        return new PredictionResponse(results);
    }
}

/// <summary><c>{"items":[{"mfccs":[…]},…]}</c>.</summary>
public sealed record BatchPredictionRequest(IReadOnlyList<PredictionRequest?>? Items);

/// <summary><c>{"items":[{"results":[…]},…]}</c>, in request order.</summary>
public sealed record BatchPredictionResponse(IReadOnlyList<PredictionResponse> Items)
{
    public static BatchPredictionResponse From(IReadOnlyList<IReadOnlyList<EmotionPrediction>> items) =>
        new(items.Select(PredictionResponse.From).ToArray());
}

/// <summary>The original <c>GET /init/configuration</c> answer: <c>{"numberOfMfccs":25}</c>.</summary>
public sealed record ConfigurationResponse(int NumberOfMfccs);
