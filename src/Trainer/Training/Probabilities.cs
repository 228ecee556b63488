namespace EmotionRecognition.Trainer.Training;

internal static class Probabilities
{
    /// <summary>The index of the most probable class (the first on ties): the predicted label in label order.</summary>
    public static int ArgMax(float[] probabilities)
    {
        int best = 0;
        for (int i = 1; i < probabilities.Length; i++)
        {
            if (probabilities[i] > probabilities[best])
            {
                best = i;
            }
        }
        return best;
    }
}
