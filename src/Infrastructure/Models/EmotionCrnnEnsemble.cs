using System.Globalization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EmotionRecognition.Infrastructure.Models;

/// <summary>
/// Several <see cref="EmotionCrnn"/> networks trained with different seeds, classifying together: the
/// clip's class probabilities are the mean of the members' softmax outputs. Members trained from
/// different initialisations and augmentation draws make different mistakes on unseen speakers, so
/// their average is more accurate than any one of them (docs/crnn.md measures by how much).
/// <para>
/// <see cref="forward"/> returns the logarithm of the mean probabilities, so a caller that applies
/// softmax (as for any other network) gets exactly the mean back. The architecture name carries the
/// member count ("crnn-v1x3"), which a saved set needs to rebuild the module before loading weights.
/// </para>
/// </summary>
public sealed class EmotionCrnnEnsemble : nn.Module<Tensor, Tensor>
{
    private const string Prefix = EmotionCrnn.ArchitectureName + "x";

    /// <summary>Fewest and most members an ensemble may have.</summary>
    public const int MinMembers = 2;
    public const int MaxMembers = 16;

    // Field name is the key prefix in the weights file ("members.0.conv1.weight", ...): never rename it.
    private readonly ModuleList<EmotionCrnn> members;

    /// <summary>An ensemble of freshly initialised members (uses torch's global generator: seed it first).</summary>
    public EmotionCrnnEnsemble(int memberCount, int melBands, int classes)
        : this(Enumerable.Range(0, CheckCount(memberCount)).Select(_ => new EmotionCrnn(melBands, classes)).ToArray())
    {
    }

    /// <summary>An ensemble of trained members; it owns them from now on.</summary>
    public EmotionCrnnEnsemble(IReadOnlyList<EmotionCrnn> trained) : base(nameof(EmotionCrnnEnsemble))
    {
        CheckCount(trained.Count);
        members = nn.ModuleList(trained.ToArray());
        RegisterComponents();
    }

    /// <summary>The architecture name stored in manifests for an ensemble of <paramref name="memberCount"/> members.</summary>
    public static string ArchitectureName(int memberCount) => Prefix + CheckCount(memberCount).ToString(CultureInfo.InvariantCulture);

    /// <summary>The member count of an ensemble architecture name ("crnn-v1x3" → 3); false for any other name.</summary>
    public static bool TryParseArchitecture(string architecture, out int memberCount)
    {
        memberCount = 0;
        return architecture.StartsWith(Prefix, StringComparison.Ordinal)
            && int.TryParse(architecture.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out memberCount)
            && memberCount is >= MinMembers and <= MaxMembers
            && architecture == ArchitectureName(memberCount);
    }

    /// <param name="input">[batch, melBands, frames], as for <see cref="EmotionCrnn.forward"/>.</param>
    /// <returns>[batch, classes]: log of the members' mean class probabilities.</returns>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var mean = stack(members.Select(m => nn.functional.softmax(m.forward(input), 1))).mean([0]);
        // A class every member rules out entirely gives log 0 = -inf, which softmax maps back to 0: no clamp needed.
        return mean.log().MoveToOuterDisposeScope();
    }

    private static int CheckCount(int memberCount) =>
        memberCount is >= MinMembers and <= MaxMembers
            ? memberCount
            : throw new ArgumentOutOfRangeException(nameof(memberCount), memberCount, $"An ensemble has {MinMembers} to {MaxMembers} members.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var member in members)
            {
                member.Dispose();
            }
            members.Dispose();
        }
        base.Dispose(disposing);
    }
}
