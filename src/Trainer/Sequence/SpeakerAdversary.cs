using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EmotionRecognition.Trainer.Sequence;

/// <summary>
/// The speaker classifier of <see cref="SequenceTrainingOptions.SpeakerAdversary"/>: a one-hidden-layer perceptron from a
/// clip embedding to the training actors, behind a gradient-reversal layer. It exists only while a network trains.
/// </summary>
public sealed class SpeakerAdversary : nn.Module<Tensor, Tensor>
{
    private const int Hidden = 64;

    private readonly Linear hidden;
    private readonly Linear output;
    private readonly long[] speakerOfExample;

    /// <param name="embeddingSize">Width of the embeddings it reads.</param>
    /// <param name="speakers">Each training example's speaker (any ids); the classes are the distinct ones.</param>
    public SpeakerAdversary(long embeddingSize, IReadOnlyList<int> speakers) : base(nameof(SpeakerAdversary))
    {
        var ids = speakers.Distinct().Order().ToArray();
        if (ids.Length < 2)
        {
            throw new ArgumentException($"A speaker adversary needs at least two training speakers; got {ids.Length}.", nameof(speakers));
        }
        speakerOfExample = speakers.Select(s => (long)Array.BinarySearch(ids, s)).ToArray();
        hidden = nn.Linear(embeddingSize, Hidden);
        output = nn.Linear(Hidden, ids.Length);
        RegisterComponents();
    }

    /// <summary>Speaker logits of (unreversed) embeddings.</summary>
    public override Tensor forward(Tensor embedding) => output.forward(nn.functional.relu(hidden.forward(embedding)));

    /// <summary>
    /// Cross-entropy of the speakers of <paramref name="examples"/> (indices into the training set) from their embeddings,
    /// through a gradient-reversal layer: the classifier's own weights descend this loss, the network's gradient from it
    /// is multiplied by −<paramref name="strength"/>.
    /// </summary>
    public Tensor Loss(Tensor embedding, IReadOnlyList<int> examples, double strength)
    {
        // Gradient reversal without a custom autograd function: d + (e − d)·(−λ) with d = e detached has the value of e
        // (the second term is 0) and the gradient −λ with respect to e. The factor is a tensor, not a Scalar, for the reason
        // in SequenceTrainer (libtorch's intermittent "Unknown scalar type" with temporary Scalars).
        var detached = embedding.detach();
        using var factor = tensor((float)-strength);
        var reversed = detached + (embedding - detached) * factor;
        using var targets = tensor(examples.Select(i => speakerOfExample[i]).ToArray());
        return nn.functional.cross_entropy(forward(reversed), targets);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            hidden.Dispose();
            output.Dispose();
        }
        base.Dispose(disposing);
    }
}
