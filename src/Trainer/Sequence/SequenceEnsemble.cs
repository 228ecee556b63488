using EmotionRecognition.Infrastructure.Models;
using static TorchSharp.torch;

namespace EmotionRecognition.Trainer.Sequence;

/// <summary>The trained model: one CRNN, or an ensemble of them, with each member's training run.</summary>
/// <param name="Module">The module to save and serve (eval mode).</param>
/// <param name="Architecture">Its architecture name for the manifest.</param>
/// <param name="Members">Each member's fit, in seed order (their modules are owned by <paramref name="Module"/>).</param>
public sealed record SequenceModelFit(nn.Module<Tensor, Tensor> Module, string Architecture, IReadOnlyList<SequenceFit> Members)
{
    public string BestEpochs => string.Join(", ", Members.Select(m => m.BestEpoch));

    public double SecondsPerEpoch => Members.Average(m => m.SecondsPerEpoch);
}

/// <summary>
/// Trains <see cref="SequenceTrainingOptions.Members"/> CRNNs on the same data, one after the other, each from its
/// own seed, and joins them into an <see cref="EmotionCrnnEnsemble"/> (a single member is returned as is).
/// Members run sequentially because torch's generator is global: parallel members would draw from it in an
/// order that changes from run to run, and the weights would no longer be reproducible.
/// </summary>
public static class SequenceEnsemble
{
    /// <summary>Distance between the seeds of consecutive members, far above the fold indices added to a run's seed.</summary>
    public const int MemberSeedStride = 1000;

    /// <summary>Member 0 keeps <paramref name="seed"/>, so a one-member model is exactly what a single fit gives.</summary>
    public static int MemberSeed(int seed, int member) => seed + member * MemberSeedStride;

    public static SequenceModelFit Fit(
        LabeledSequences train,
        LabeledSequences validation,
        SequenceTrainingOptions options,
        int seed,
        CancellationToken ct,
        Action? memberTrained = null)
    {
        var fits = new List<SequenceFit>();
        try
        {
            for (int member = 0; member < options.Members; member++)
            {
                fits.Add(SequenceTrainer.Fit(train, validation, options, MemberSeed(seed, member), ct));
                memberTrained?.Invoke();
            }
        }
        catch
        {
            fits.ForEach(f => f.Module.Dispose());
            throw;
        }
        if (fits.Count == 1)
        {
            return new SequenceModelFit(fits[0].Module, EmotionCrnn.ArchitectureName, fits);
        }
        var ensemble = new EmotionCrnnEnsemble(fits.Select(f => f.Module).ToArray());
        ensemble.eval();
        return new SequenceModelFit(ensemble, EmotionCrnnEnsemble.ArchitectureName(fits.Count), fits);
    }
}
