using EmotionRecognition.Application.Features;
using EmotionRecognition.Infrastructure.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EmotionRecognition.Infrastructure.Models;

/// <summary>
/// Convolutional-recurrent network over a normalised log-mel sequence
/// (<see cref="Application.Features.SequenceFeatures.Prepare"/>), for clips of any length:
/// <code>
/// [batch, mels, frames]
///  -> 3 × (conv 3×3 same, batch norm, ReLU, max-pool 2×2)      channels 16, 32, 64; mels/8, frames/8
///  -> per frame: flatten channels × remaining mels, dropout
///  -> bidirectional GRU (hidden <see cref="Hidden"/> each way)
///  -> attention pooling over time: w_t = softmax_t(v·h_t), h = Σ_t w_t·h_t
///  -> dropout -> linear to the classes (logits)
/// </code>
/// The convolutions learn local time-frequency patterns (formant movement, onsets, breathiness);
/// pooling by 8 in time leaves one step per ~186 ms at hop 512 and 22.05 kHz, a syllable-scale rate
/// the GRU reads in both directions; attention pooling lets the emphatic syllables dominate the
/// clip's decision instead of averaging them with the rest.
/// <para>
/// With pitch rows (<c>pitchRows</c> P &gt; 0, architecture <see cref="PitchArchitectureName"/>; the rows come from
/// <see cref="Application.Features.PitchFeatures.Prepare"/> under the profile
/// <see cref="Application.Features.FeatureProfile.SequencePitch"/>) the input is [batch, mels + P, frames] and the GRU
/// also reads, per step, the mean and standard deviation of each pitch row over the step's 8 frames:
/// <code>
///  mels rows -> the conv stack above              -> [batch, frames/8, 64·mels/8]  -> dropout
///  P rows    -> per 8-frame window: mean and std  -> [batch, frames/8, 2P]
///  concatenated per step -> bidirectional GRU -> attention pooling -> dropout -> linear
/// </code>
/// Why pool the pitch rows and not convolve them: they are already a few clean numbers per frame (level, contour,
/// voicing); the window's mean gives the level and its standard deviation the movement (glides, jitter) within the
/// step, both at the conv path's rate. Average pooling with kernel 8 and stride 8 gives ⌊frames/8⌋ steps, the same as
/// three 2× max-pools (⌊⌊⌊f/2⌋/2⌋/2⌋ = ⌊f/8⌋ for any f), so the two paths line up step for step; the last f mod 8
/// frames are dropped by both.
/// </para>
/// Field names are the keys in the weights file, the same with and without pitch rows: never rename them once
/// weights exist.
/// </summary>
public sealed class EmotionCrnn : nn.Module<Tensor, Tensor>, IOnnxNetwork
{
    public const string ArchitectureName = "crnn-v1";

    /// <summary>The architecture with pitch rows beside the mel bands.</summary>
    public const string PitchArchitectureName = "crnn-pitch-v1";

    /// <summary>GRU units per direction.</summary>
    public const int Hidden = 64;

    /// <summary>Clips shorter than this many frames are repeated up to it: the three 2× pools need 8 frames.</summary>
    public const int MinFrames = 8;

    /// <summary>Frames per GRU step (the conv path's three 2× pools).</summary>
    private const int Step = 8;

    private readonly int[] Channels;

    private readonly Conv2d conv1;
    private readonly Conv2d conv2;
    private readonly Conv2d conv3;
    private readonly BatchNorm2d norm1;
    private readonly BatchNorm2d norm2;
    private readonly BatchNorm2d norm3;
    private readonly MaxPool2d pool;
    private readonly Dropout dropout;
    private readonly GRU gru;
    private readonly Linear attention;
    private readonly Linear output;
    private readonly int melBands;
    private readonly int hidden;

    /// <param name="melBands">Leading rows of the input that are mel bands; at least 8.</param>
    /// <param name="classes">Output classes.</param>
    /// <param name="dropoutRate">Dropout on the conv features before the GRU and before the output layer.</param>
    /// <param name="pitchRows">Pitch rows after the mel bands that the network reads (P); 0: none, rows after the mel
    /// bands are ignored (a log-mel member of a mixed ensemble).</param>
    public EmotionCrnn(int melBands, int classes, double dropoutRate = 0.3, int[]? channels = null, int hidden = Hidden, int pitchRows = 0)
        : base(nameof(EmotionCrnn))
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pitchRows);
        Channels = channels ?? [16, 32, 64];
        if (melBands < 8)
        {
            throw new ArgumentOutOfRangeException(nameof(melBands), melBands, "The CRNN pools the mel axis by 8; it needs at least 8 bands.");
        }
        this.melBands = melBands;
        this.hidden = hidden;
        PitchRows = pitchRows;
        conv1 = nn.Conv2d(1, Channels[0], 3, padding: 1, bias: false);
        conv2 = nn.Conv2d(Channels[0], Channels[1], 3, padding: 1, bias: false);
        conv3 = nn.Conv2d(Channels[1], Channels[2], 3, padding: 1, bias: false);
        norm1 = nn.BatchNorm2d(Channels[0]);
        norm2 = nn.BatchNorm2d(Channels[1]);
        norm3 = nn.BatchNorm2d(Channels[2]);
        pool = nn.MaxPool2d(2);
        dropout = nn.Dropout(dropoutRate);
        gru = nn.GRU(Channels[2] * (melBands / 8) + 2 * pitchRows, hidden, batchFirst: true, bidirectional: true);
        attention = nn.Linear(2 * hidden, 1);
        output = nn.Linear(2 * hidden, classes);
        RegisterComponents();
    }

    /// <summary>Mel bands read from the start of the input.</summary>
    public int MelBands => melBands;

    /// <summary>Pitch rows read after the mel bands (0: a log-mel-only network).</summary>
    public int PitchRows { get; }

    /// <summary>The manifest's name for this network: <see cref="ArchitectureName"/> or <see cref="PitchArchitectureName"/>.</summary>
    public string Architecture => PitchRows == 0 ? ArchitectureName : PitchArchitectureName;

    /// <param name="input">[batch, melBands + PitchRows (+ any further rows, ignored), frames], frames ≥ <see cref="MinFrames"/>
    /// (<see cref="ToInput"/> repeats shorter clips).</param>
    /// <returns>[batch, classes] logits.</returns>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        long batch = input.shape[0];
        long frames = input.shape[^1];
        // Only the leading mel rows: in a mixed ensemble a log-mel network's input also carries pitch rows, which it does not read.
        var x = input.narrow(1, 0, melBands).reshape(batch, 1, melBands, frames);
        x = pool.forward(nn.functional.relu(Normalise(norm1, conv1.forward(x))));
        x = pool.forward(nn.functional.relu(Normalise(norm2, conv2.forward(x))));
        x = pool.forward(nn.functional.relu(Normalise(norm3, conv3.forward(x))));
        // [batch, channels, mels', steps] -> [batch, steps, channels·mels']
        x = x.permute(0, 3, 1, 2).flatten(2);
        x = dropout.forward(x);
        if (PitchRows > 0)
        {
            var pitch = input.narrow(1, melBands, PitchRows);
            var mean = nn.functional.avg_pool1d(pitch, Step, Step);
            var meanSquare = nn.functional.avg_pool1d(pitch * pitch, Step, Step);
            // Why the floor: E[x²] − E[x]² can round below 0, and sqrt's gradient is infinite at 0 (flat windows are common:
            // interpolated gaps, held ends).
            var std = (meanSquare - mean * mean).clamp_min(1e-6).sqrt();
            // [batch, 2P, steps] -> [batch, steps, 2P]. Why no dropout on them: the conv features are 512 redundant values
            // per step, the pitch features 2P non-redundant ones; dropping 30% of those would remove the cue itself.
            x = cat([x, cat([mean, std], 1).permute(0, 2, 1)], 2);
        }
        var (sequence, _) = gru.forward(x);
        var weights = nn.functional.softmax(attention.forward(sequence), 1);
        var embedding = (weights * sequence).sum(1);
        return output.forward(dropout.forward(embedding)).MoveToOuterDisposeScope();
    }

    public int InputRank => 3;

    /// <summary>The eval-mode <see cref="forward"/> as ONNX nodes: [batch, rows, frames] → [batch, classes] probabilities.</summary>
    public string ToOnnx(OnnxGraph g, string input)
    {
        var x = g.Node("Unsqueeze", [g.Slice(input, 1, 0, melBands), g.Int64s("axes", 1)]);
        x = g.MaxPool(g.Relu(g.BatchNorm(g.Conv(x, conv1.weight!, null, padding: 1), norm1)), 2, axes: 2);
        x = g.MaxPool(g.Relu(g.BatchNorm(g.Conv(x, conv2.weight!, null, padding: 1), norm2)), 2, axes: 2);
        x = g.MaxPool(g.Relu(g.BatchNorm(g.Conv(x, conv3.weight!, null, padding: 1), norm3)), 2, axes: 2);
        x = g.Reshape(g.Transpose(x, 0, 3, 1, 2), 0, 0, -1);
        if (PitchRows > 0)
        {
            var pitch = g.Slice(input, 1, melBands, melBands + PitchRows);
            string Pool(string v) => g.Node("AveragePool", [v], OnnxAttribute.Of("kernel_shape", [(long)Step]), OnnxAttribute.Of("strides", [(long)Step]));
            var mean = Pool(pitch);
            var meanSquare = Pool(g.Node("Mul", [pitch, pitch]));
            var variance = g.Node("Sub", [meanSquare, g.Node("Mul", [mean, mean])]);
            var std = g.Node("Sqrt", [g.Node("Max", [variance, g.Constant("floor", [1e-6f], 1)])]);
            var steps = g.Transpose(g.Node("Concat", [mean, std], OnnxAttribute.Of("axis", 1L)), 0, 2, 1);
            x = g.Node("Concat", [x, steps], OnnxAttribute.Of("axis", 2L));
        }
        var sequence = g.BidirectionalGru(g.Transpose(x, 1, 0, 2), gru, hidden);
        var weights = g.Softmax(g.Dense(sequence, attention), 1);
        var embedding = g.Node("ReduceSum", [g.Node("Mul", [weights, sequence]), g.Int64s("axes", 1)], OnnxAttribute.Of("keepdims", 0L));
        return g.Softmax(g.Dense(embedding, output), 1);
    }

    /// <summary>
    /// [1, bands, frames] for one clip; a clip shorter than <see cref="MinFrames"/> is repeated cyclically up to it (the three
    /// 2× pools need 8 frames). Longer clips are read whole: the GRU and the attention pooling take any length.
    /// </summary>
    public static Tensor ToInput(FeatureMatrix sequence)
    {
        var (values, frames) = InputValues(sequence);
        return tensor(values, [1, sequence.Rows, frames]);
    }

    /// <summary><see cref="ToInput"/>'s values, row-major, and its frame count.</summary>
    public static (float[] Values, int Frames) InputValues(FeatureMatrix sequence)
    {
        int bands = sequence.Rows;
        int frames = Math.Max(sequence.Frames, MinFrames);
        if (frames == sequence.Frames)
        {
            return (sequence.Values.ToArray(), frames);
        }
        var values = new float[bands * frames];
        for (int m = 0; m < bands; m++)
        {
            for (int t = 0; t < frames; t++)
            {
                values[m * frames + t] = sequence.Frames == 0 ? 0 : sequence[m, t % sequence.Frames];
            }
        }
        return (values, frames);
    }

    /// <summary>
    /// A clip's class probabilities from a sequence network (one <see cref="EmotionCrnn"/> or an ensemble): the softmax of one
    /// pass over <see cref="ToInput"/>. Call inside no_grad and a dispose scope.
    /// </summary>
    public static float[] Probabilities(nn.Module<Tensor, Tensor> network, FeatureMatrix sequence) =>
        nn.functional.softmax(network.forward(ToInput(sequence)), 1).data<float>().ToArray();

    /// <summary>
    /// Batch norm through the functional form with the layer's own parameters and running statistics.
    /// <see cref="BatchNorm2d"/>'s forward also counts batches with <c>num_batches_tracked.add_(1)</c>, which
    /// failed intermittently in training ("Unknown scalar type" from libtorch); the count only matters for
    /// momentum 0, and we use the default momentum 0.1, so skipping it changes nothing else.
    /// </summary>
    private Tensor Normalise(BatchNorm2d norm, Tensor x) =>
        nn.functional.batch_norm(x, norm.running_mean, norm.running_var, norm.weight, norm.bias, training, momentum: 0.1, eps: 1e-5);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            conv1.Dispose();
            conv2.Dispose();
            conv3.Dispose();
            norm1.Dispose();
            norm2.Dispose();
            norm3.Dispose();
            pool.Dispose();
            dropout.Dispose();
            gru.Dispose();
            attention.Dispose();
            output.Dispose();
        }
        base.Dispose(disposing);
    }
}
