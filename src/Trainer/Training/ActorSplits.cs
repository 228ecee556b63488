namespace EmotionRecognition.Trainer.Training;

/// <summary>
/// Every split is by actor, never by clip, so no speaker is on both sides. Splits are
/// gender-balanced (RAVDESS: odd actors male, even female) and seeded.
/// </summary>
internal static class ActorSplits
{
    /// <summary>
    /// k disjoint test folds covering all <paramref name="actors"/>: males and females are shuffled
    /// separately and dealt round-robin, so with actors 01-20 and k = 5 each fold tests 2 men and 2 women.
    /// </summary>
    public static IReadOnlyList<int[]> Folds(IReadOnlyCollection<int> actors, int k, int seed)
    {
        if (actors.Count < k)
        {
            throw new ArgumentException($"{k}-fold cross-validation by actor needs at least {k} actors; the data has {actors.Count}.");
        }
        var folds = Enumerable.Range(0, k).Select(_ => new List<int>()).ToArray();
        int i = 0;
        foreach (var actor in GenderBalancedOrder(actors, seed))
        {
            folds[i++ % k].Add(actor);
        }
        return folds.Select(f => f.Order().ToArray()).ToArray();
    }

    /// <summary>
    /// <paramref name="count"/> of the <paramref name="trainingActors"/> held out for early stopping,
    /// alternating genders; at least one actor always stays for training.
    /// </summary>
    public static int[] Validation(IReadOnlyCollection<int> trainingActors, int count, int seed)
    {
        if (trainingActors.Count <= count)
        {
            throw new ArgumentException(
                $"Holding out {count} validation actor(s) needs more than {count} training actors; there are {trainingActors.Count}.");
        }
        var order = GenderBalancedOrder(trainingActors, seed).ToArray();
        // Interleave the two gender lists so the first `count` alternate.
        var males = order.Where(a => a % 2 == 1).ToArray();
        var females = order.Where(a => a % 2 == 0).ToArray();
        var interleaved = new List<int>();
        for (int j = 0; j < Math.Max(males.Length, females.Length); j++)
        {
            if (j < females.Length)
            {
                interleaved.Add(females[j]);
            }
            if (j < males.Length)
            {
                interleaved.Add(males[j]);
            }
        }
        return interleaved.Take(count).Order().ToArray();
    }

    private static IEnumerable<int> GenderBalancedOrder(IReadOnlyCollection<int> actors, int seed)
    {
        var random = new Random(seed);
        var males = actors.Where(a => a % 2 == 1).Order().ToArray();
        var females = actors.Where(a => a % 2 == 0).Order().ToArray();
        random.Shuffle(males);
        random.Shuffle(females);
        return males.Concat(females);
    }
}
