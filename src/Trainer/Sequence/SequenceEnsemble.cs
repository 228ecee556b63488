using EmotionRecognition.Infrastructure.Models;
using static TorchSharp.torch;

namespace EmotionRecognition.Trainer.Sequence;

/// <summary>The trained model: one CRNN, or an ensemble of them, with each member's training run.</summary>
/// <param name="Module">The module to save and serve (eval mode).</param>
/// <param name="Architecture">Its architecture name for the manifest.</param>
/// <param name="Members">Each member's fit, in seed order (their modules are owned by <paramref name="Module"/>).</param>
internal sealed record SequenceModelFit(nn.Module<Tensor, Tensor> Module, string Architecture, IReadOnlyList<SequenceFit> Members)
{
    public string Epochs => string.Join(", ", Members.Select(m => m.EpochsRun));

    public double SecondsPerEpoch => Members.Average(m => m.SecondsPerEpoch);
}

/// <summary>
/// <see cref="SequenceTrainingOptions.Members"/> CRNNs (or pitch CRNNs) trained on the same data, each from its own seed,
/// joined into an <see cref="EmotionCrnnEnsemble"/> (a single member is returned as is). Members never train on threads of one
/// process: torch's generator is global, so parallel members would draw from it in an order that changes from run to
/// run; <c>train</c> runs them in worker processes instead (<see cref="WorkerProcessJobRunner"/>).
/// </summary>
internal static class SequenceEnsemble
{
    /// <summary>Distance between the seeds of consecutive members, far above the fold indices added to a run's seed.</summary>
    public const int MemberSeedStride = 1000;

    /// <summary>Member 0 of a group keeps <paramref name="seed"/>, so a one-member model is exactly what a single fit gives.</summary>
    public static int MemberSeed(int seed, int member) => seed + member * MemberSeedStride;

    /// <summary>The members' model: the single network itself, or an ensemble that owns them (eval mode).</summary>
    public static SequenceModelFit Join(IReadOnlyList<SequenceFit> members)
    {
        if (members.Count == 1)
        {
            return new SequenceModelFit(members[0].Module, members[0].Module.Architecture, members);
        }
        var ensemble = new EmotionCrnnEnsemble(members.Select(f => f.Module).ToArray());
        ensemble.eval();
        return new SequenceModelFit(ensemble, ensemble.Architecture, members);
    }
}
