using EmotionRecognition.Domain;
using EmotionRecognition.Trainer.Settings;
using EmotionRecognition.Infrastructure.Models;
using static TorchSharp.torch;

namespace EmotionRecognition.Trainer.Training;

/// <summary>Standardised feature rows with their class indices (label order).</summary>
internal sealed record LabeledMatrix(float[][] Rows, int[] Classes)
{
    public int Count => Rows.Length;

    public int Width => Rows.Length == 0 ? 0 : Rows[0].Length;

    public float[] Flatten()
    {
        var flat = new float[Count * Width];
        for (int i = 0; i < Count; i++)
        {
            Rows[i].CopyTo(flat, i * Width);
        }
        return flat;
    }
}

/// <summary>A trained module with the early-stopping outcome.</summary>
internal sealed record FitResult(nn.Module<Tensor, Tensor> Module, int BestEpoch, int EpochsRun, double BestValidationLoss);

/// <summary>
/// Adam on cross-entropy with mini-batches, early stopping on the validation actors' loss (the weights
/// of the best epoch are kept). Deterministic: torch is seeded before the weights are initialised,
/// batches are shuffled by <see cref="Random"/> with the same seed, and torch runs with a fixed
/// number of threads, so the same inputs give byte-identical weights.
/// </summary>
internal static class NetworkTrainer
{
    public static FitResult Fit(
        NetworkType network,
        string architecture,
        LabeledMatrix train,
        LabeledMatrix validation,
        TrainingOptions options,
        int seed,
        CancellationToken ct)
    {
        if (train.Count == 0 || validation.Count == 0)
        {
            throw new ArgumentException($"Training needs examples on both sides: {train.Count} training, {validation.Count} validation.");
        }
        set_num_threads(options.Threads);
        manual_seed(seed);
        var module = NetworkArchitectures.Create(network, architecture, train.Width, Emotions.Count);
        using var optimizer = optim.Adam(module.parameters(), lr: options.LearningRate, weight_decay: options.WeightDecay);
        using var xTrain = tensor(train.Flatten(), [train.Count, train.Width]);
        using var yTrain = tensor(train.Classes.Select(c => (long)c).ToArray());
        using var xValidation = tensor(validation.Flatten(), [validation.Count, validation.Width]);
        using var yValidation = tensor(validation.Classes.Select(c => (long)c).ToArray());

        var random = new Random(seed);
        var order = Enumerable.Range(0, train.Count).Select(i => (long)i).ToArray();
        double bestLoss = double.PositiveInfinity;
        int bestEpoch = 0;
        int epoch = 0;
        Dictionary<string, Tensor>? best = null;
        try
        {
            while (epoch < options.Epochs && epoch - bestEpoch < options.Patience)
            {
                ct.ThrowIfCancellationRequested();
                epoch++;
                module.train();
                random.Shuffle(order);
                for (int start = 0; start < order.Length; start += options.BatchSize)
                {
                    using var scope = NewDisposeScope();
                    var batch = tensor(order.AsSpan(start, Math.Min(options.BatchSize, order.Length - start)).ToArray());
                    optimizer.zero_grad();
                    var logits = module.forward(xTrain.index_select(0, batch));
                    var loss = nn.functional.cross_entropy(logits, yTrain.index_select(0, batch), label_smoothing: options.LabelSmoothing);
                    loss.backward();
                    optimizer.step();
                }

                double validationLoss = Loss(module, xValidation, yValidation);
                if (validationLoss < bestLoss)
                {
                    bestLoss = validationLoss;
                    bestEpoch = epoch;
                    Dispose(best);
                    best = Snapshot(module);
                }
            }
            if (best is not null)
            {
                module.load_state_dict(best);
            }
        }
        catch
        {
            module.Dispose();
            throw;
        }
        finally
        {
            Dispose(best);
        }
        module.eval();
        return new FitResult(module, bestEpoch, epoch, bestLoss);
    }

    /// <summary>Most probable class of each row (eval mode, no gradients).</summary>
    public static int[] PredictClasses(nn.Module<Tensor, Tensor> module, float[][] rows)
    {
        if (rows.Length == 0)
        {
            return [];
        }
        module.eval();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        int width = rows[0].Length;
        var x = tensor(new LabeledMatrix(rows, new int[rows.Length]).Flatten(), [rows.Length, width]);
        return module.forward(x).argmax(1).data<long>().Select(c => (int)c).ToArray();
    }

    private static double Loss(nn.Module<Tensor, Tensor> module, Tensor x, Tensor y)
    {
        module.eval();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return nn.functional.cross_entropy(module.forward(x), y).item<float>();
    }

    private static Dictionary<string, Tensor> Snapshot(nn.Module<Tensor, Tensor> module) =>
        module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());

    private static void Dispose(Dictionary<string, Tensor>? state)
    {
        foreach (var t in state?.Values ?? Enumerable.Empty<Tensor>())
        {
            t.Dispose();
        }
    }
}
