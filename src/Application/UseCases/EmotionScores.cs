using EmotionRecognition.Domain;

namespace EmotionRecognition.Application.UseCases;

internal static class EmotionScores
{
    /// <summary>Pairs a model's output row (index i is <see cref="Emotions.InLabelOrder"/>[i]) with its emotions.</summary>
    public static IReadOnlyList<EmotionPrediction> InLabelOrder(float[] probabilities)
    {
        if (probabilities.Length != Emotions.Count)
        {
            throw new InvalidOperationException($"A model answered {probabilities.Length} probabilities for {Emotions.Count} emotions.");
        }
        var predictions = new EmotionPrediction[Emotions.Count];
        for (int i = 0; i < predictions.Length; i++)
        {
            predictions[i] = new EmotionPrediction(Emotions.InLabelOrder[i], probabilities[i]);
        }
        return predictions;
    }
}
