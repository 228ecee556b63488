using System.Diagnostics;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Models;
using static TorchSharp.torch;

using EmotionRecognition.Trainer.Training;
using EmotionRecognition.Trainer.Corpus;

namespace EmotionRecognition.Trainer.Sequence;

/// <summary>Everything that decides a trained CRNN besides the data.</summary>
/// <param name="Epochs">Epochs of the cosine schedule (all are run; the tail is averaged).</param>
/// <param name="BatchSize">Windows per optimiser step.</param>
/// <param name="LearningRate">AdamW's peak step size, reached after <paramref name="WarmupEpochs"/> of linear warm-up.</param>
/// <param name="WeightDecay">AdamW's decoupled weight decay.</param>
/// <param name="LabelSmoothing">Share of each target spread over all classes.</param>
/// <param name="Dropout">Dropout before the GRU and the output layer.</param>
/// <param name="ClassBalanced">Weights the loss by inverse class frequency (RAVDESS has half as many neutral clips).</param>
/// <param name="WarmupEpochs">Linear learning-rate warm-up.</param>
/// <param name="Threads">torch threads; fixed so runs are reproducible. One is the fastest on a shared machine:
/// libtorch's OpenMP workers spin while they wait for each other (docs/benchmarks.md).</param>
/// <param name="Augmentation">How training windows are drawn.</param>
internal sealed record SequenceTrainingOptions(
    int Epochs,
    int BatchSize,
    double LearningRate,
    double WeightDecay,
    double LabelSmoothing,
    double Dropout,
    bool ClassBalanced,
    int WarmupEpochs,
    int Threads,
    SequenceAugmentation Augmentation)
{
    public int[]? Channels { get; init; }

    public int Hidden { get; init; } = EmotionCrnn.Hidden;

    /// <summary>
    /// 0: every input row is a mel band and the network is an <see cref="EmotionCrnn"/>. P &gt; 0: the last P rows are pitch
    /// rows (<see cref="PitchFeatures"/>) and the network reads them too (<see cref="EmotionCrnn.PitchArchitectureName"/>, profile
    /// <see cref="FeatureProfile.SequencePitch"/>).
    /// </summary>
    public int PitchRows { get; init; }

    /// <summary>A freshly initialised network for inputs of <paramref name="rows"/> rows (uses torch's global generator).</summary>
    public EmotionCrnn CreateNetwork(int rows, int classes) => new(rows - PitchRows, classes, Dropout, Channels, Hidden, PitchRows);

    /// <summary>
    /// No epoch is selected: the network is the mean of its weights after each of the last share × <see cref="Epochs"/>
    /// epochs (stochastic weight averaging over the tail of the cosine schedule), with batch-norm statistics re-estimated for
    /// those weights on one pass of training windows. Nothing is chosen on held-out actors, so every non-test actor trains.
    /// </summary>
    public double AverageLastShare { get; init; } = 0.2;

    /// <summary>Epochs averaged at the end of this schedule (at least the last one).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int AveragedEpochs => Math.Clamp((int)Math.Round(AverageLastShare * Epochs), 1, Epochs);

    /// <summary>
    /// The share of a clip's probabilities given to a <see cref="FunctionalsModel"/> on its <see cref="ClipFunctionals"/>
    /// (<c>[crnn] functionals_weight</c>), fitted on every non-test actor of the fold (of the final set) and mixed in as
    /// <c>(1 − w) · networks + w · functionals</c>, in cross-validation and when served. 0: the networks alone. Needs pitch rows
    /// (the functionals include pitch statistics).
    /// </summary>
    public double FunctionalsWeight { get; init; }

    /// <summary>
    /// The level floor of the profile the networks are trained and served with (<see cref="FeatureProfile.FloorDb"/>,
    /// <c>[crnn] level_floor_db</c>; 0: none, the profile of the sets before it). Not in the job files or cache keys: it
    /// acts on the features, which a cached network's key hashes.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double FloorDb { get; init; } = FeatureProfile.Sequence.FloorDb;

    /// <summary>The functionals model's ridge penalty per unit of mean cross-entropy (<c>[crnn] functionals_l2</c>).</summary>
    public double FunctionalsL2 { get; init; } = 0.03;

    /// <summary>
    /// The networks trained per model (each from its own seed, <see cref="SequenceEnsemble.MemberSeed"/>), whose mean
    /// probabilities classify: groups of members that share a schedule. Empty: a single <see cref="EmotionCrnn"/> of
    /// <see cref="Epochs"/> epochs.
    /// </summary>
    public IReadOnlyList<EnsembleGroup> Ensemble { get; init; } = [];

    /// <summary>Networks per model, over all groups.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int Members => Ensemble.Count == 0 ? 1 : Ensemble.Sum(g => g.Members);

    /// <summary>The ensemble as config.ini writes it: groups of networks x epochs, e.g. "5x100, 3x150".</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string EnsembleText => Ensemble.Count == 0 ? $"1x{Epochs}" : string.Join(", ", Ensemble);

    /// <summary>Each member's epochs and its index within its group (which decides its seed), in ensemble order.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IEnumerable<(int Epochs, int Index, bool Pitch)> MemberSchedule =>
        Ensemble.Count == 0 ? [(Epochs, 0, PitchRows > 0)] : Ensemble.SelectMany(g => Enumerable.Range(0, g.Members).Select(k => (g.Epochs, k, g.Pitch)));

    /// <summary>± semitones of the absolute pitch row's random shift in pitch recipes.</summary>
    public const double PitchShiftSemitones = 1;

    /// <summary>
    /// Pitch CRNNs (<see cref="EmotionCrnn.PitchArchitectureName"/>, profile <see cref="FeatureProfile.SequencePitch"/>) on the mel
    /// bands plus <see cref="PitchFeatures.Rows"/> pitch rows: the mel shift and frequency masks stay within the mel rows, and
    /// the absolute pitch row gets its own shift of up to ± <paramref name="pitchShiftSemitones"/>.
    /// </summary>
    public SequenceTrainingOptions WithPitchRows(double pitchShiftSemitones = PitchShiftSemitones) => this with
    {
        PitchRows = FeatureProfile.SequencePitch.PitchRows,
        Augmentation = Augmentation with { MelRows = FeatureProfile.SequencePitch.MelBands, PitchShiftSemitones = pitchShiftSemitones },
    };

    /// <summary>How one log-mel network trains: the recipe every ensemble member shares (docs/crnn.md measures each choice).</summary>
    public static SequenceTrainingOptions OneNetwork { get; } = new(
        Epochs: 100, BatchSize: 32, LearningRate: 3e-3, WeightDecay: 1e-2, LabelSmoothing: 0.1, Dropout: 0.3,
        ClassBalanced: true, WarmupEpochs: 2, Threads: 1, Augmentation: SequenceAugmentation.Default);

    /// <summary>
    /// The shipped recipe: five networks (three pitch CRNNs and two log-mel ones; in each kind one of 150 epochs, the rest of
    /// 100: networks of two schedules and two inputs disagree more, so their mean is right more often), mixed 0.75 : 0.25
    /// with the functionals model. Five score as nine did with the functionals model (68.3 against 68.25 %) at about half the
    /// training (docs/crnn.md). Under the level floor nothing is trimmed, so five read as many frames as nine read of a
    /// trimmed clip, and serving costs about the same (docs/benchmarks.md, "The five-network set on a quiet machine").
    /// </summary>
    public static SequenceTrainingOptions Default { get; } = (OneNetwork with
    {
        Ensemble = [new EnsembleGroup(2, 100, Pitch: true), new EnsembleGroup(1, 150, Pitch: true), new EnsembleGroup(1, 100), new EnsembleGroup(1, 150)],
        FunctionalsWeight = 0.25,
    }).WithPitchRows();
}

/// <summary>Members of an ensemble that share a schedule: <paramref name="Members"/> networks of <paramref name="Epochs"/> epochs,
/// member k of the group from seed + 1000·k.</summary>
/// <param name="Pitch">Whether the group's networks are pitch CRNNs (<see cref="EmotionCrnn.PitchArchitectureName"/>) rather than log-mel-only
/// ones; an ensemble may mix both (its input then carries the pitch rows, which the log-mel-only members do not read).</param>
internal sealed record EnsembleGroup(int Members, int Epochs, bool Pitch = false)
{
    public override string ToString() => $"{Members}x{Epochs}{(Pitch ? " pitch" : "")}";
}

/// <summary>Prepared sequences with their class indices (label order).</summary>
internal sealed record LabeledSequences(IReadOnlyList<FeatureMatrix> Features, int[] Classes)
{
    /// <summary>Per clip, its conditioned copies (<see cref="SequenceExample.Copies"/>); empty lists, or none at all, for clean-only training.</summary>
    public IReadOnlyList<IReadOnlyList<FeatureMatrix>>? Copies { get; init; }

    public int Count => Features.Count;

    public static LabeledSequences From(IEnumerable<LabeledClip<SequenceExample>> clips)
    {
        var list = clips.ToArray();
        return new LabeledSequences(list.Select(c => c.Features.Sequence).ToArray(), list.Select(c => (int)c.Emotion).ToArray())
        {
            Copies = list.Any(c => c.Features.Copies.Count > 0)
                ? list.Select(c => (IReadOnlyList<FeatureMatrix>)c.Features.Copies.Select(s => s.Sequence).ToArray()).ToArray()
                : null,
        };
    }

    /// <summary>
    /// Which version of clip <paramref name="clip"/> a training window is drawn from: the clip itself or one of its copies, each
    /// as likely. Without copies nothing is drawn, so clean-only recipes keep their random sequence (and their weights).
    /// </summary>
    public FeatureMatrix Source(int clip, Random random)
    {
        if (Copies is not { } copies || copies[clip].Count == 0)
        {
            return Features[clip];
        }
        int pick = random.Next(copies[clip].Count + 1);
        return pick == 0 ? Features[clip] : copies[clip][pick - 1];
    }
}

/// <summary>A trained CRNN and how long its training took.</summary>
internal sealed record SequenceFit(EmotionCrnn Module, int EpochsRun, double SecondsPerEpoch);

/// <summary>
/// AdamW with linear warm-up and cosine decay on class-weighted, label-smoothed cross-entropy over augmented fixed-length
/// windows; the network kept is the mean of its weights over the last <see cref="SequenceTrainingOptions.AverageLastShare"/>
/// of the schedule. Deterministic: torch is seeded before initialisation, windows and batches come from <see cref="Random"/>
/// with the same seed, and torch runs a fixed number of threads.
/// </summary>
internal static class SequenceTrainer
{
    /// <param name="afterEpoch">Called after each epoch with the network as it is then (tests watch the averaging).</param>
    public static SequenceFit Fit(
        LabeledSequences train,
        SequenceTrainingOptions options,
        int seed,
        CancellationToken ct,
        Action<int, EmotionCrnn>? afterEpoch = null)
    {
        if (train.Count == 0)
        {
            throw new ArgumentException("Training needs examples: there are none.");
        }
        set_num_threads(options.Threads);
        manual_seed(seed);
        int bands = train.Features[0].Rows;
        var module = options.CreateNetwork(bands, Emotions.Count);
        var random = new Random(seed);
        var augmentation = options.Augmentation;
        int length = augmentation.CropFrames;
        int stepsPerEpoch = (train.Count + options.BatchSize - 1) / options.BatchSize;
        int totalSteps = stepsPerEpoch * options.Epochs;
        int warmupSteps = stepsPerEpoch * options.WarmupEpochs;

        using var optimizer = optim.AdamW(module.parameters(), lr: options.LearningRate, weight_decay: options.WeightDecay);
        using var classWeights = options.ClassBalanced ? tensor(InverseFrequency(train.Classes)) : null;
        var order = Enumerable.Range(0, train.Count).ToArray();
        var window = new float[options.BatchSize * bands * length];
        int step = 0;
        var averaged = new WeightAverage();
        var clock = Stopwatch.StartNew();
        try
        {
            for (int epoch = 1; epoch <= options.Epochs; epoch++)
            {
                ct.ThrowIfCancellationRequested();
                module.train();
                random.Shuffle(order);
                for (int start = 0; start < order.Length; start += options.BatchSize)
                {
                    int count = Math.Min(options.BatchSize, order.Length - start);
                    var targets = new long[count];
                    for (int i = 0; i < count; i++)
                    {
                        int clip = order[start + i];
                        augmentation.Draw(train.Source(clip, random), random, window.AsSpan(i * bands * length, bands * length));
                        targets[i] = train.Classes[clip];
                    }

                    using var scope = NewDisposeScope();
                    SetLearningRate(optimizer, Schedule(options.LearningRate, step++, warmupSteps, totalSteps));
                    var x = tensor(window.AsSpan(0, count * bands * length).ToArray(), [count, bands, length]);
                    optimizer.zero_grad();
                    var loss = nn.functional.cross_entropy(module.forward(x), tensor(targets), weight: classWeights, label_smoothing: options.LabelSmoothing);
                    loss.backward();
                    optimizer.step();
                }
                if (epoch > options.Epochs - options.AveragedEpochs)
                {
                    averaged.Add(module);
                }
                afterEpoch?.Invoke(epoch, module);
            }
            var secondsPerEpoch = clock.Elapsed.TotalSeconds / options.Epochs;
            averaged.CopyTo(module);
            RecalibrateBatchNorm(module, train, augmentation, options.BatchSize, random);
            module.eval();
            return new SequenceFit(module, options.Epochs, secondsPerEpoch);
        }
        catch
        {
            module.Dispose();
            throw;
        }
        finally
        {
            averaged.Dispose();
        }
    }

    /// <summary>
    /// Batch norm's running statistics belong to the weights they were gathered with; averaged weights need their own.
    /// One pass of augmented training windows in training mode (no gradients) re-estimates them (momentum 0.1 over
    /// ~30 batches leaves under 5% of the old statistics).
    /// </summary>
    private static void RecalibrateBatchNorm(EmotionCrnn module, LabeledSequences train, SequenceAugmentation augmentation, int batchSize, Random random)
    {
        int bands = train.Features[0].Rows;
        int length = augmentation.CropFrames;
        var window = new float[batchSize * bands * length];
        var order = Enumerable.Range(0, train.Count).ToArray();
        random.Shuffle(order);
        module.train();
        using var _ = no_grad();
        for (int start = 0; start < order.Length; start += batchSize)
        {
            int count = Math.Min(batchSize, order.Length - start);
            for (int i = 0; i < count; i++)
            {
                augmentation.Draw(train.Source(order[start + i], random), random, window.AsSpan(i * bands * length, bands * length));
            }
            using var scope = NewDisposeScope();
            module.forward(tensor(window.AsSpan(0, count * bands * length).ToArray(), [count, bands, length]));
        }
    }

    /// <summary>The running mean of a network's parameters over the epochs added (stochastic weight averaging).</summary>
    private sealed class WeightAverage : IDisposable
    {
        private readonly Dictionary<string, Tensor> sums = [];
        private int count;

        public void Add(EmotionCrnn module)
        {
            using var _ = no_grad();
            foreach (var (name, parameter) in module.named_parameters())
            {
                if (sums.TryGetValue(name, out var sum))
                {
                    sum.add_(parameter);
                }
                else
                {
                    sums[name] = parameter.detach().clone();
                }
            }
            count++;
        }

        public void CopyTo(EmotionCrnn module)
        {
            using var _ = no_grad();
            using var divisor = tensor((float)count);
            foreach (var (name, parameter) in module.named_parameters())
            {
                using var mean = sums[name].div(divisor);
                parameter.copy_(mean);
            }
        }

        public void Dispose()
        {
            foreach (var t in sums.Values)
            {
                t.Dispose();
            }
        }
    }

    /// <summary>Class probabilities of each whole clip, in label order (eval mode, no gradients), as served
    /// (<see cref="EmotionCrnn.Probabilities"/>).</summary>
    public static float[][] PredictProbabilities(nn.Module<Tensor, Tensor> module, IReadOnlyList<FeatureMatrix> clips)
    {
        module.eval();
        var result = new float[clips.Count][];
        using var _ = no_grad();
        for (int i = 0; i < clips.Count; i++)
        {
            using var scope = NewDisposeScope();
            result[i] = EmotionCrnn.Probabilities(module, clips[i]);
        }
        return result;
    }

    public static int[] PredictClasses(nn.Module<Tensor, Tensor> module, IReadOnlyList<FeatureMatrix> clips) =>
        PredictProbabilities(module, clips).Select(Probabilities.ArgMax).ToArray();

    /// <summary>w_c = N / (C · n_c): every class contributes equally to the loss; absent classes get weight 0.</summary>
    private static float[] InverseFrequency(int[] classes)
    {
        var counts = new int[Emotions.Count];
        foreach (var c in classes)
        {
            counts[c]++;
        }
        return counts.Select(n => n == 0 ? 0f : (float)classes.Length / (Emotions.Count * n)).ToArray();
    }

    /// <summary>Linear warm-up to the peak, then half a cosine down to 0.</summary>
    private static double Schedule(double peak, int step, int warmupSteps, int totalSteps)
    {
        if (step < warmupSteps)
        {
            return peak * (step + 1) / warmupSteps;
        }
        double progress = (double)(step - warmupSteps) / Math.Max(1, totalSteps - warmupSteps);
        return peak * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }

    private static void SetLearningRate(optim.Optimizer optimizer, double rate)
    {
        foreach (var group in optimizer.ParamGroups)
        {
            group.LearningRate = rate;
        }
    }
}
