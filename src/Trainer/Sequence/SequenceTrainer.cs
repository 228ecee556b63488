using System.Diagnostics;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Models;
using static TorchSharp.torch;

using EmotionRecognition.Trainer.Training;

namespace EmotionRecognition.Trainer.Sequence;

/// <summary>Everything that decides a trained CRNN besides the data.</summary>
/// <param name="Epochs">Epochs of the cosine schedule (all are run; the best validation epoch is kept).</param>
/// <param name="BatchSize">Windows per optimiser step.</param>
/// <param name="LearningRate">AdamW's peak step size, reached after <paramref name="WarmupEpochs"/> of linear warm-up.</param>
/// <param name="WeightDecay">AdamW's decoupled weight decay.</param>
/// <param name="LabelSmoothing">Share of each target spread over all classes.</param>
/// <param name="Dropout">Dropout before the GRU and the output layer.</param>
/// <param name="ClassBalanced">Weights the loss by inverse class frequency (RAVDESS has half as many neutral clips).</param>
/// <param name="MixupAlpha">Mixup's Beta(α, α); 0 turns mixup off.</param>
/// <param name="WarmupEpochs">Linear learning-rate warm-up.</param>
/// <param name="Threads">torch threads; fixed so runs are reproducible. One is the fastest on a shared machine:
/// libtorch's OpenMP workers spin while they wait for each other (measured at load ~17 on 2 cores: 108 s per
/// epoch with 2 threads, 16.5 s with 1).</param>
/// <param name="Augmentation">How training windows are drawn.</param>
public sealed record SequenceTrainingOptions(
    int Epochs,
    int BatchSize,
    double LearningRate,
    double WeightDecay,
    double LabelSmoothing,
    double Dropout,
    bool ClassBalanced,
    double MixupAlpha,
    int WarmupEpochs,
    int Threads,
    SequenceAugmentation Augmentation)
{
    public int[]? Channels { get; init; }

    public int Hidden { get; init; } = EmotionCrnn.Hidden;

    /// <summary>
    /// 0: every input row is a mel band and the network is an <see cref="EmotionCrnn"/>. P &gt; 0: the last P rows are pitch
    /// rows (<see cref="PitchFeatures"/>) and the network reads them too (<see cref="EmotionCrnn.PitchArchitectureName"/>, <c>[crnn] pitch = true</c>, profile
    /// <see cref="FeatureProfile.SequencePitch"/>).
    /// </summary>
    public int PitchRows { get; init; }

    /// <summary>A freshly initialised network for inputs of <paramref name="rows"/> rows (uses torch's global generator).</summary>
    public EmotionCrnn CreateNetwork(int rows, int classes) => new(rows - PitchRows, classes, Dropout, Channels, Hidden, PitchRows);

    /// <summary>
    /// 0: the network keeps the epoch most accurate on the validation actors. A share in (0, 1]: no epoch is selected;
    /// the network is the mean of its weights after each of the last share × <see cref="Epochs"/> epochs (stochastic
    /// weight averaging over the tail of the cosine schedule), with batch-norm statistics re-estimated for those weights on
    /// one pass of training windows. Nothing is chosen on validation actors then, so they train too
    /// (<see cref="SequenceJob.Members"/>).
    /// </summary>
    public double AverageLastShare { get; init; }

    /// <summary>
    /// 0: no adversary. λ &gt; 0: during training a small classifier learns to tell the training actors apart from the
    /// network's clip embedding (<see cref="EmotionCrnn.Embed"/>) while a gradient-reversal layer pushes the network the
    /// other way with weight λ (Ganin and Lempitsky's domain-adversarial training, speakers as domains), ramped up from 0 as
    /// 2/(1 + e^(−10p)) − 1 over the schedule's progress p. Why: accuracy is measured, and needed, on voices the network never
    /// heard, so what tells one training voice from another is what it should not learn. The adversary exists only in
    /// training; the saved network, its weights file and serving are unchanged.
    /// </summary>
    public double SpeakerAdversary { get; init; }

    /// <summary>
    /// Test-time mel shifts in bands (<c>[crnn] test_mel_shifts</c>): each clip is classified once per shift, its mel rows moved
    /// as training's formant perturbation moves them, and the probabilities averaged, in cross-validation and when served
    /// (<see cref="EmotionCrnn.Probabilities"/>). Empty: one pass over the clip as it is.
    /// </summary>
    public IReadOnlyList<double> TestMelShifts { get; init; } = [];

    /// <summary>
    /// Whether clips shorter than the training window are repeated up to it when classified (<c>[crnn] repeat_short_clips</c>),
    /// in cross-validation and when served (<see cref="EmotionCrnn.ToInput"/>). Off by default: the shipped set was evaluated
    /// and is served without it, and its recipe must reproduce its numbers.
    /// </summary>
    public bool RepeatShortClips { get; init; }

    /// <summary>
    /// The share of a clip's probabilities given to a <see cref="FunctionalsModel"/> on its <see cref="ClipFunctionals"/>
    /// (<c>[crnn] functionals_weight</c>), fitted on every non-test actor of the fold (of the final set) and mixed in as
    /// <c>(1 − w) · networks + w · functionals</c>, in cross-validation and when served. 0: the networks alone. Needs pitch rows
    /// (the functionals include pitch statistics).
    /// </summary>
    public double FunctionalsWeight { get; init; }

    /// <summary>The functionals model's ridge penalty per unit of mean cross-entropy (<c>[crnn] functionals_l2</c>).</summary>
    public double FunctionalsL2 { get; init; } = DefaultFunctionalsL2;

    /// <summary>0.03: the penalty of the shipped mix, fitted on each clip and its eight perturbed copies (docs/crnn.md,
    /// fourth-session runs: 0.1 and 0.3 mixed 0.5-1.2 points worse there).</summary>
    public const double DefaultFunctionalsL2 = 0.03;

    /// <summary>The length short clips are repeated up to when classified: the training window, or only <see cref="EmotionCrnn.MinFrames"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int TestWindowFrames => RepeatShortClips ? Augmentation.CropFrames : EmotionCrnn.MinFrames;

    /// <summary>Whether each network keeps the epoch its validation actors like best (rather than a weight average).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool SelectsOnValidation => AverageLastShare == 0;

    /// <summary>Epochs averaged at the end of this schedule (0 when an epoch is selected on validation actors).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int AveragedEpochs => SelectsOnValidation ? 0 : Math.Clamp((int)Math.Round(AverageLastShare * Epochs), 1, Epochs);

    /// <summary>How the weights of each network are chosen, in words (for the report and config.ini).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string SelectionText => SelectsOnValidation
        ? "validation"
        : $"average {(AverageLastShare * 100).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)}%";

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

    /// <summary>
    /// The recipe for keys config.ini leaves unset: the one shipped until 2026-11-30 (docs/crnn.md measures each choice),
    /// eight log-mel networks, five trained for 100 epochs and three for 150 (networks of two schedules disagree more
    /// than networks of one, so their mean is right more often), each keeping its best validation epoch. The shipped
    /// config.ini asks for the 2026-11-30 recipe instead (<c>selection = average 20%</c>, a mixed pitch and log-mel ensemble).
    /// </summary>
    public static SequenceTrainingOptions Default { get; } = new(
        Epochs: 100, BatchSize: 32, LearningRate: 3e-3, WeightDecay: 1e-2, LabelSmoothing: 0.1, Dropout: 0.3,
        ClassBalanced: true, MixupAlpha: 0, WarmupEpochs: 2, Threads: 1, Augmentation: SequenceAugmentation.Default)
    {
        Ensemble = [new EnsembleGroup(5, 100), new EnsembleGroup(3, 150)],
    };
}

/// <summary>Members of an ensemble that share a schedule: <paramref name="Members"/> networks of <paramref name="Epochs"/> epochs,
/// member k of the group from seed + 1000·k.</summary>
/// <param name="Pitch">Whether the group's networks are pitch CRNNs (<see cref="EmotionCrnn.PitchArchitectureName"/>) rather than log-mel-only
/// ones; an ensemble may mix both (its input then carries the pitch rows, which the log-mel-only members do not read).</param>
public sealed record EnsembleGroup(int Members, int Epochs, bool Pitch = false)
{
    public override string ToString() => $"{Members}x{Epochs}{(Pitch ? " pitch" : "")}";
}

/// <summary>Prepared sequences with their class indices (label order).</summary>
public sealed record LabeledSequences(IReadOnlyList<FeatureMatrix> Features, int[] Classes)
{
    public int Count => Features.Count;

    /// <summary>Each example's actor (speaker), where known: what <see cref="SequenceTrainingOptions.SpeakerAdversary"/> learns to tell apart.</summary>
    public int[]? Speakers { get; init; }

    public static LabeledSequences From(IEnumerable<SequenceClip> clips)
    {
        var list = clips.ToArray();
        return new LabeledSequences(list.Select(c => c.Features).ToArray(), list.Select(c => (int)c.Emotion).ToArray())
        {
            Speakers = list.Select(c => c.Actor).ToArray(),
        };
    }
}

/// <summary>A trained CRNN and how its training went.</summary>
public sealed record SequenceFit(EmotionCrnn Module, int BestEpoch, int EpochsRun, double BestValidationAccuracy, double SecondsPerEpoch);

/// <summary>
/// AdamW with linear warm-up and cosine decay on class-weighted, label-smoothed cross-entropy over
/// augmented fixed-length windows; after every epoch of the second half of the schedule the whole clips
/// of the validation actors are classified and the weights of the most accurate epoch (ties: lower loss) are kept. Deterministic:
/// torch is seeded before initialisation, windows and batches come from <see cref="Random"/> with the
/// same seed, and torch runs a fixed number of threads.
/// </summary>
public static class SequenceTrainer
{
    public static SequenceFit Fit(
        LabeledSequences train,
        LabeledSequences validation,
        SequenceTrainingOptions options,
        int seed,
        CancellationToken ct,
        Action<int, EmotionCrnn>? afterEpoch = null)
    {
        bool selectOnValidation = options.SelectsOnValidation;
        if (train.Count == 0 || (selectOnValidation && validation.Count == 0))
        {
            throw new ArgumentException($"Training needs examples on both sides: {train.Count} training, {validation.Count} validation.");
        }
        if (options.SpeakerAdversary > 0 && (train.Speakers is null || options.MixupAlpha > 0))
        {
            throw new ArgumentException(train.Speakers is null
                ? "A speaker adversary needs each training example's speaker."
                : "A speaker adversary and mixup do not combine (a blend of two clips has no single speaker).");
        }
        set_num_threads(options.Threads);
        manual_seed(seed);
        int bands = train.Features[0].Coefficients;
        var module = options.CreateNetwork(bands, Emotions.Count);
        // Created after the network, so the network's initial weights are the same with and without it.
        using var adversary = options.SpeakerAdversary > 0 ? new SpeakerAdversary(module.EmbeddingSize, train.Speakers!) : null;
        var random = new Random(seed);
        var augmentation = options.Augmentation;
        int length = augmentation.CropFrames;
        int stepsPerEpoch = (train.Count + options.BatchSize - 1) / options.BatchSize;
        int totalSteps = stepsPerEpoch * options.Epochs;
        int warmupSteps = stepsPerEpoch * options.WarmupEpochs;

        using var optimizer = optim.AdamW(
            adversary is null ? module.parameters() : module.parameters().Concat(adversary.parameters()),
            lr: options.LearningRate, weight_decay: options.WeightDecay);
        using var classWeights = options.ClassBalanced ? tensor(InverseFrequency(train.Classes)) : null;
        var order = Enumerable.Range(0, train.Count).ToArray();
        var window = new float[options.BatchSize * bands * length];
        double bestAccuracy = -1;
        double bestLoss = double.PositiveInfinity;
        int bestEpoch = 0;
        int step = 0;
        Dictionary<string, Tensor>? best = null;
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
                    var clips = new int[count];
                    for (int i = 0; i < count; i++)
                    {
                        int clip = order[start + i];
                        augmentation.Draw(train.Features[clip], random, window.AsSpan(i * bands * length, bands * length));
                        targets[i] = train.Classes[clip];
                        clips[i] = clip;
                    }
                    double lambda = options.MixupAlpha > 0 ? Beta(random, options.MixupAlpha) : 1;
                    var partner = Enumerable.Range(0, count).Select(i => (long)i).ToArray();
                    if (lambda < 1)
                    {
                        random.Shuffle(partner);
                    }

                    using var scope = NewDisposeScope();
                    SetLearningRate(optimizer, Schedule(options.LearningRate, step++, warmupSteps, totalSteps));
                    var x = tensor(window.AsSpan(0, count * bands * length).ToArray(), [count, bands, length]);
                    var y = tensor(targets);
                    var mix = tensor(partner);
                    // The mixup weight as a tensor, not a Scalar: multiplying by a double (a TorchSharp Scalar) failed
                    // intermittently with libtorch's "Unknown scalar type" in a 5-fold mixup run, as BatchNorm2d's
                    // counter did (see EmotionCrnn.Normalise); tensor-by-tensor products take another path.
                    var weight = tensor((float)lambda);
                    var rest = tensor((float)(1 - lambda));
                    if (lambda < 1)
                    {
                        // Mixup: a convex blend of two examples and of their losses.
                        x = weight * x + rest * x.index_select(0, mix);
                    }
                    optimizer.zero_grad();
                    var embedding = module.Embed(x);
                    var logits = module.Classify(embedding);
                    var loss = nn.functional.cross_entropy(logits, y, weight: classWeights, label_smoothing: options.LabelSmoothing);
                    if (adversary is not null)
                    {
                        double progress = (double)step / totalSteps;
                        double strength = options.SpeakerAdversary * (2 / (1 + Math.Exp(-10 * progress)) - 1);
                        loss = loss + adversary.Loss(embedding, clips, strength);
                    }
                    if (lambda < 1)
                    {
                        var other = nn.functional.cross_entropy(logits, y.index_select(0, mix), weight: classWeights, label_smoothing: options.LabelSmoothing);
                        loss = weight * loss + rest * other;
                    }
                    loss.backward();
                    optimizer.step();
                }

                if (!selectOnValidation)
                {
                    if (epoch > options.Epochs - options.AveragedEpochs)
                    {
                        averaged.Add(module);
                    }
                    afterEpoch?.Invoke(epoch, module);
                    continue;
                }
                // Early epochs of a cosine schedule are never the best; skipping them halves the validation cost.
                if (epoch <= options.Epochs / 2)
                {
                    afterEpoch?.Invoke(epoch, module);
                    continue;
                }
                var (accuracy, validationLoss) = Evaluate(module, validation, options);
                if (accuracy > bestAccuracy || (accuracy == bestAccuracy && validationLoss < bestLoss))
                {
                    bestAccuracy = accuracy;
                    bestLoss = validationLoss;
                    bestEpoch = epoch;
                    Dispose(best);
                    best = Snapshot(module);
                }
                afterEpoch?.Invoke(epoch, module);
            }
            var secondsPerEpoch = clock.Elapsed.TotalSeconds / options.Epochs;
            if (!selectOnValidation)
            {
                averaged.CopyTo(module);
                RecalibrateBatchNorm(module, train, augmentation, options.BatchSize, random);
                module.eval();
                double accuracy = validation.Count == 0 ? 0 : Evaluate(module, validation, options).Accuracy;
                return new SequenceFit(module, options.Epochs, options.Epochs, accuracy, secondsPerEpoch);
            }
            module.load_state_dict(best!);
            module.eval();
            return new SequenceFit(module, bestEpoch, options.Epochs, bestAccuracy, secondsPerEpoch);
        }
        catch
        {
            module.Dispose();
            throw;
        }
        finally
        {
            Dispose(best);
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
        int bands = train.Features[0].Coefficients;
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
                augmentation.Draw(train.Features[order[start + i]], random, window.AsSpan(i * bands * length, bands * length));
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
    /// (<see cref="EmotionCrnn.Probabilities"/>): clips shorter than <paramref name="windowFrames"/> repeated up to it, and with
    /// <paramref name="melShifts"/> the mean over copies whose first <paramref name="melBands"/> rows are shifted.</summary>
    public static float[][] PredictProbabilities(
        nn.Module<Tensor, Tensor> module, IReadOnlyList<FeatureMatrix> clips, int windowFrames = EmotionCrnn.MinFrames,
        IReadOnlyList<double>? melShifts = null, int melBands = 0)
    {
        module.eval();
        var result = new float[clips.Count][];
        using var _ = no_grad();
        for (int i = 0; i < clips.Count; i++)
        {
            using var scope = NewDisposeScope();
            result[i] = EmotionCrnn.Probabilities(module, clips[i], windowFrames, melShifts, melBands);
        }
        return result;
    }

    public static int[] PredictClasses(
        nn.Module<Tensor, Tensor> module, IReadOnlyList<FeatureMatrix> clips, int windowFrames = EmotionCrnn.MinFrames,
        IReadOnlyList<double>? melShifts = null, int melBands = 0) =>
        PredictProbabilities(module, clips, windowFrames, melShifts, melBands).Select(Probabilities.ArgMax).ToArray();

    /// <summary>The validation clips read as cross-validation and serving read them: the same window and mel shifts.</summary>
    private static (double Accuracy, double Loss) Evaluate(EmotionCrnn module, LabeledSequences data, SequenceTrainingOptions options)
    {
        var probabilities = PredictProbabilities(
            module, data.Features, options.TestWindowFrames, options.TestMelShifts, module.MelBands);
        int correct = 0;
        double loss = 0;
        for (int i = 0; i < data.Count; i++)
        {
            correct += Probabilities.ArgMax(probabilities[i]) == data.Classes[i] ? 1 : 0;
            loss -= Math.Log(Math.Max(1e-12, probabilities[i][data.Classes[i]]));
        }
        return ((double)correct / data.Count, loss / data.Count);
    }

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

    /// <summary>Beta(α, α) as X / (X + Y) with X, Y ~ Gamma(α, 1).</summary>
    private static double Beta(Random random, double alpha)
    {
        double x = Gamma(random, alpha);
        double y = Gamma(random, alpha);
        return x / (x + y);
    }

    /// <summary>Marsaglia and Tsang's Gamma(α, 1) sampler; α &lt; 1 via Gamma(α + 1)·U^(1/α).</summary>
    private static double Gamma(Random random, double alpha)
    {
        if (alpha < 1)
        {
            return Gamma(random, alpha + 1) * Math.Pow(random.NextDouble(), 1 / alpha);
        }
        double d = alpha - 1.0 / 3;
        double c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double z;
            double v;
            do
            {
                // Box-Muller standard normal.
                z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                v = 1 + c * z;
            }
            while (v <= 0);
            v = v * v * v;
            double u = random.NextDouble();
            if (Math.Log(u) < 0.5 * z * z + d - d * v + d * Math.Log(v))
            {
                return d * v;
            }
        }
    }

    private static Dictionary<string, Tensor> Snapshot(EmotionCrnn module) =>
        module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());

    private static void Dispose(Dictionary<string, Tensor>? state)
    {
        foreach (var t in state?.Values ?? Enumerable.Empty<Tensor>())
        {
            t.Dispose();
        }
    }
}
