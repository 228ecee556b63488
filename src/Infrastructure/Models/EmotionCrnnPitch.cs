using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EmotionRecognition.Infrastructure.Models;

/// <summary>
/// <see cref="EmotionCrnn"/> with explicit pitch rows (<see cref="Application.Features.PitchFeatures.Prepare"/>) beside the
/// log-mel, served for the profile <see cref="Application.Features.FeatureProfile.SequencePitch"/> (alone, or as members of a
/// "crnn-pitch-v1x&lt;N&gt;" <see cref="EmotionCrnnEnsemble"/>); trained by <c>[crnn] pitch = true</c> or CrnnLab pitch=true:
/// <code>
/// [batch, mels + P, frames]
///  mels rows -> EmotionCrnn's conv stack (same layers)            -> [batch, frames/8, 64·mels/8]  -> dropout
///  P rows    -> per 8-frame window: mean and standard deviation   -> [batch, frames/8, 2P]
///  concatenated per step -> bidirectional GRU -> attention pooling -> dropout -> linear to the classes
/// </code>
/// Why pool the pitch rows and not convolve them: they are already a few clean numbers per frame (level, contour,
/// voicing); the window's mean gives the level and its standard deviation the movement (glides, jitter) within the
/// step, both at the conv path's rate. Average pooling with kernel 8 and stride 8 gives ⌊frames/8⌋ steps, the same as
/// three 2× max-pools (⌊⌊⌊f/2⌋/2⌋/2⌋ = ⌊f/8⌋ for any f), so the two paths line up step for step; the last f mod 8 frames
/// are dropped by both. Field names are weight-file keys, shared with <see cref="EmotionCrnn"/> for the common layers.
/// </summary>
public sealed class EmotionCrnnPitch : nn.Module<Tensor, Tensor>
{
    public const string ArchitectureName = "crnn-pitch-v1";

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
    private readonly int pitchRows;

    /// <param name="melBands">Leading rows of the input that are mel bands; at least 8.</param>
    /// <param name="pitchRows">Trailing rows that are pitch features (P); at least 1.</param>
    /// <param name="classes">Output classes.</param>
    /// <param name="dropoutRate">Dropout on the conv features before the GRU and before the output layer.</param>
    public EmotionCrnnPitch(int melBands, int pitchRows, int classes, double dropoutRate = 0.3, int[]? channels = null, int hidden = EmotionCrnn.Hidden)
        : base(nameof(EmotionCrnnPitch))
    {
        Channels = channels ?? [16, 32, 64];
        if (melBands < 8)
        {
            throw new ArgumentOutOfRangeException(nameof(melBands), melBands, "The CRNN pools the mel axis by 8; it needs at least 8 bands.");
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pitchRows);
        this.melBands = melBands;
        this.pitchRows = pitchRows;
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

    /// <param name="input">[batch, melBands + pitchRows, frames], frames ≥ <see cref="EmotionCrnn.MinFrames"/>
    /// (<see cref="EmotionCrnn.ToInput"/> repeats shorter clips).</param>
    /// <returns>[batch, classes] logits.</returns>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        long batch = input.shape[0];
        long frames = input.shape[^1];
        var x = input.narrow(1, 0, melBands).reshape(batch, 1, melBands, frames);
        x = pool.forward(nn.functional.relu(Normalise(norm1, conv1.forward(x))));
        x = pool.forward(nn.functional.relu(Normalise(norm2, conv2.forward(x))));
        x = pool.forward(nn.functional.relu(Normalise(norm3, conv3.forward(x))));
        // [batch, channels, mels', steps] -> [batch, steps, channels·mels']
        x = x.permute(0, 3, 1, 2).flatten(2);

        var pitch = input.narrow(1, melBands, pitchRows);
        var mean = nn.functional.avg_pool1d(pitch, Step, Step);
        var meanSquare = nn.functional.avg_pool1d(pitch * pitch, Step, Step);
        // Why the floor: E[x²] − E[x]² can round below 0, and sqrt's gradient is infinite at 0 (flat windows are common:
        // interpolated gaps, held ends).
        var std = (meanSquare - mean * mean).clamp_min(1e-6).sqrt();
        // [batch, 2P, steps] -> [batch, steps, 2P]
        var contour = cat([mean, std], 1).permute(0, 2, 1);

        // Why dropout only on the conv features: they are 512 redundant values per step, the pitch features 2P
        // non-redundant ones; dropping 30% of those would remove the cue itself, not regularise it.
        var (sequence, _) = gru.forward(cat([dropout.forward(x), contour], 2));
        var weights = nn.functional.softmax(attention.forward(sequence), 1);
        var pooled = (weights * sequence).sum(1);
        return output.forward(dropout.forward(pooled)).MoveToOuterDisposeScope();
    }

    /// <summary>As <see cref="EmotionCrnn"/>: functional batch norm, without the counter that failed in libtorch.</summary>
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
