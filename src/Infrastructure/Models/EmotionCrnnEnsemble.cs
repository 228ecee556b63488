using System.Globalization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EmotionRecognition.Infrastructure.Models;

/// <summary>
/// Several sequence networks of one architecture (<see cref="EmotionCrnn"/>, or <see cref="EmotionCrnnPitch"/> for a
/// profile with pitch rows) trained with different seeds, classifying together: the clip's class probabilities are the
/// mean of the members' softmax outputs. Members trained from different initialisations and augmentation draws make
/// different mistakes on unseen speakers, so their average is more accurate than any one of them (docs/crnn.md measures
/// by how much).
/// <para>
/// <see cref="forward"/> returns the logarithm of the mean probabilities, so a caller that applies
/// softmax (as for any other network) gets exactly the mean back. The architecture name carries the member
/// architecture and count ("crnn-v1x3", "crnn-pitch-v1x8"), which a saved set needs to rebuild the module before
/// loading weights.
/// </para>
/// </summary>
public sealed class EmotionCrnnEnsemble : nn.Module<Tensor, Tensor>
{
    /// <summary>Fewest and most members an ensemble may have.</summary>
    public const int MinMembers = 2;
    public const int MaxMembers = 16;

    /// <summary>Member architectures an ensemble may be made of.</summary>
    public static IReadOnlyList<string> MemberArchitectures { get; } = [EmotionCrnn.ArchitectureName, EmotionCrnnPitch.ArchitectureName];

    // Field name is the key prefix in the weights file ("members.0.conv1.weight", ...): never rename it. The element type
    // is the module base class so pitch members fit too; the keys depend on the field name and index only, so the weights
    // files of crnn-v1 ensembles are unchanged.
    private readonly ModuleList<nn.Module<Tensor, Tensor>> members;

    /// <summary>An ensemble of freshly initialised <see cref="EmotionCrnn"/> members (uses torch's global generator: seed it first).</summary>
    public EmotionCrnnEnsemble(int memberCount, int melBands, int classes)
        : this(Enumerable.Range(0, CheckCount(memberCount)).Select(_ => new EmotionCrnn(melBands, classes)).ToArray())
    {
    }

    /// <summary>An ensemble of trained members; it owns them from now on.</summary>
    public EmotionCrnnEnsemble(IReadOnlyList<EmotionCrnn> trained)
        : this(EmotionCrnn.ArchitectureName, trained.ToArray<nn.Module<Tensor, Tensor>>())
    {
    }

    /// <summary>An ensemble of trained pitch members; it owns them from now on.</summary>
    public EmotionCrnnEnsemble(IReadOnlyList<EmotionCrnnPitch> trained)
        : this(EmotionCrnnPitch.ArchitectureName, trained.ToArray<nn.Module<Tensor, Tensor>>())
    {
    }

    private EmotionCrnnEnsemble(string memberArchitecture, nn.Module<Tensor, Tensor>[] trained) : base(nameof(EmotionCrnnEnsemble))
    {
        CheckCount(trained.Length);
        MemberArchitecture = memberArchitecture;
        members = nn.ModuleList(trained);
        RegisterComponents();
    }

    /// <summary>An ensemble of freshly initialised <see cref="EmotionCrnnPitch"/> members (uses torch's global generator).</summary>
    public static EmotionCrnnEnsemble OfPitchNetworks(int memberCount, int melBands, int pitchRows, int classes) =>
        new(Enumerable.Range(0, CheckCount(memberCount)).Select(_ => new EmotionCrnnPitch(melBands, pitchRows, classes)).ToArray());

    /// <summary>The architecture of every member: <see cref="EmotionCrnn.ArchitectureName"/> or <see cref="EmotionCrnnPitch.ArchitectureName"/>.</summary>
    public string MemberArchitecture { get; }

    /// <summary>This ensemble's architecture name for manifests.</summary>
    public string Architecture => ArchitectureName(MemberArchitecture, members.Count);

    /// <summary>The architecture name stored in manifests for a <see cref="EmotionCrnn"/> ensemble of <paramref name="memberCount"/> members.</summary>
    public static string ArchitectureName(int memberCount) => ArchitectureName(EmotionCrnn.ArchitectureName, memberCount);

    /// <summary>The architecture name of an ensemble of <paramref name="memberCount"/> <paramref name="memberArchitecture"/> networks ("crnn-pitch-v1x8").</summary>
    public static string ArchitectureName(string memberArchitecture, int memberCount) =>
        (MemberArchitectures.Contains(memberArchitecture)
            ? memberArchitecture
            : throw new ArgumentException($"'{memberArchitecture}' networks do not form an ensemble; {string.Join(" and ", MemberArchitectures)} do.", nameof(memberArchitecture)))
        + "x" + CheckCount(memberCount).ToString(CultureInfo.InvariantCulture);

    /// <summary>The member count of a <see cref="EmotionCrnn"/> ensemble name ("crnn-v1x3" → 3); false for any other name.</summary>
    public static bool TryParseArchitecture(string architecture, out int memberCount)
    {
        if (TryParseArchitecture(architecture, out var memberArchitecture, out memberCount) && memberArchitecture == EmotionCrnn.ArchitectureName)
        {
            return true;
        }
        memberCount = 0;
        return false;
    }

    /// <summary>The member architecture and count of any ensemble name ("crnn-pitch-v1x8" → crnn-pitch-v1, 8); false for any other name.</summary>
    public static bool TryParseArchitecture(string architecture, out string memberArchitecture, out int memberCount)
    {
        foreach (var candidate in MemberArchitectures)
        {
            var prefix = candidate + "x";
            if (architecture.StartsWith(prefix, StringComparison.Ordinal)
                && int.TryParse(architecture.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out memberCount)
                && memberCount is >= MinMembers and <= MaxMembers
                && architecture == ArchitectureName(candidate, memberCount))
            {
                memberArchitecture = candidate;
                return true;
            }
        }
        memberArchitecture = "";
        memberCount = 0;
        return false;
    }

    /// <param name="input">[batch, rows, frames], as for the members' forward.</param>
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
