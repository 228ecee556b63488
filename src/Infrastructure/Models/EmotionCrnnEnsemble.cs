using System.Globalization;
using EmotionRecognition.Infrastructure.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EmotionRecognition.Infrastructure.Models;

/// <summary>
/// Several sequence networks trained with different seeds (and, in a mixed ensemble, on different inputs), classifying
/// together: the clip's class probabilities are the mean of the members' softmax outputs. Members trained from different
/// initialisations, augmentation draws, schedules and features make different mistakes on unseen speakers, so their
/// average is more accurate than any one of them (docs/crnn.md measures by how much).
/// <para>
/// Members are <see cref="EmotionCrnn"/>s, log-mel only or with pitch rows. Every member gets the same input; a log-mel
/// member reads only its leading mel rows, so one sequence-pitch input serves a mix of both.
/// </para>
/// <para>
/// <see cref="forward"/> returns the logarithm of the mean probabilities, so a caller that applies
/// softmax (as for any other network) gets exactly the mean back. The architecture name lists the members in order as
/// groups of one architecture ("crnn-v1x3", "crnn-pitch-v1x8", "crnn-pitch-v1x3+crnn-v1x2"), which a saved set needs to
/// rebuild the module before loading weights.
/// </para>
/// </summary>
public sealed class EmotionCrnnEnsemble : nn.Module<Tensor, Tensor>, IOnnxNetwork
{
    /// <summary>Fewest and most members an ensemble may have.</summary>
    public const int MinMembers = 2;
    public const int MaxMembers = 16;

    /// <summary>Member architectures an ensemble may be made of.</summary>
    public static IReadOnlyList<string> MemberArchitectures { get; } = [EmotionCrnn.ArchitectureName, EmotionCrnn.PitchArchitectureName];

    // Field name is the key prefix in the weights file ("members.0.conv1.weight", ...): never rename it. The keys depend on
    // the field name and index only, so the element type may change without changing any weights file.
    private readonly ModuleList<EmotionCrnn> members;

    /// <summary>An ensemble of freshly initialised log-mel members (uses torch's global generator: seed it first).</summary>
    public EmotionCrnnEnsemble(int memberCount, int melBands, int classes)
        : this(Enumerable.Range(0, CheckCount(memberCount)).Select(_ => new EmotionCrnn(melBands, classes)).ToArray())
    {
    }

    /// <summary>An ensemble of trained members of either kind, in this order; it owns them from now on.</summary>
    public EmotionCrnnEnsemble(IReadOnlyList<EmotionCrnn> trained) : base(nameof(EmotionCrnnEnsemble))
    {
        CheckCount(trained.Count);
        members = nn.ModuleList(trained.ToArray());
        RegisterComponents();
    }

    /// <summary>
    /// An ensemble of freshly initialised members with these architectures, in this order (uses torch's global generator),
    /// for loading saved weights; pitch members read <paramref name="pitchRows"/> rows after the mel bands.
    /// </summary>
    public static EmotionCrnnEnsemble Create(IReadOnlyList<string> memberArchitectures, int melBands, int pitchRows, int classes) =>
        new(memberArchitectures.Select(a => a switch
        {
            EmotionCrnn.ArchitectureName => new EmotionCrnn(melBands, classes),
            EmotionCrnn.PitchArchitectureName => new EmotionCrnn(melBands, classes, pitchRows: pitchRows),
            _ => throw new ArgumentException($"'{a}' networks do not form an ensemble; {string.Join(" and ", MemberArchitectures)} do."),
        }).ToArray());

    /// <summary>Each member's architecture, in order.</summary>
    public IReadOnlyList<string> Members => members.Select(m => m.Architecture).ToArray();

    /// <summary>This ensemble's architecture name for manifests.</summary>
    public string Architecture => ArchitectureName(Members);

    /// <summary>The architecture name stored in manifests for a <see cref="EmotionCrnn"/> ensemble of <paramref name="memberCount"/> members.</summary>
    public static string ArchitectureName(int memberCount) => ArchitectureName(EmotionCrnn.ArchitectureName, memberCount);

    /// <summary>The architecture name of an ensemble of <paramref name="memberCount"/> <paramref name="memberArchitecture"/> networks ("crnn-pitch-v1x8").</summary>
    public static string ArchitectureName(string memberArchitecture, int memberCount) =>
        ArchitectureName(Enumerable.Repeat(memberArchitecture, CheckCount(memberCount)).ToArray());

    /// <summary>
    /// The name of an ensemble of these members in this order: runs of one architecture as "arch x count", joined by "+"
    /// ("crnn-pitch-v1x3+crnn-v1x2"). Every ensemble has exactly one name.
    /// </summary>
    public static string ArchitectureName(IReadOnlyList<string> memberArchitectures)
    {
        CheckCount(memberArchitectures.Count);
        var unknown = memberArchitectures.FirstOrDefault(a => !MemberArchitectures.Contains(a));
        if (unknown is not null)
        {
            throw new ArgumentException($"'{unknown}' networks do not form an ensemble; {string.Join(" and ", MemberArchitectures)} do.", nameof(memberArchitectures));
        }
        var groups = new List<string>();
        for (int i = 0; i < memberArchitectures.Count;)
        {
            int run = 1;
            while (i + run < memberArchitectures.Count && memberArchitectures[i + run] == memberArchitectures[i])
            {
                run++;
            }
            groups.Add(memberArchitectures[i] + "x" + run.ToString(CultureInfo.InvariantCulture));
            i += run;
        }
        return string.Join("+", groups);
    }

    /// <summary>The member count of a <see cref="EmotionCrnn"/> ensemble name ("crnn-v1x3" → 3); false for any other name.</summary>
    public static bool TryParseArchitecture(string architecture, out int memberCount)
    {
        if (TryParseMembers(architecture, out IReadOnlyList<string> members) && members.All(m => m == EmotionCrnn.ArchitectureName))
        {
            memberCount = members.Count;
            return true;
        }
        memberCount = 0;
        return false;
    }

    /// <summary>Each member's architecture, in order, of any ensemble name; false for any other name (including
    /// non-canonical spellings such as "crnn-v1x1+crnn-v1x1").</summary>
    public static bool TryParseMembers(string architecture, out IReadOnlyList<string> memberArchitectures)
    {
        memberArchitectures = [];
        var members = new List<string>();
        foreach (var group in architecture.Split('+'))
        {
            var member = MemberArchitectures.FirstOrDefault(a => group.StartsWith(a + "x", StringComparison.Ordinal));
            if (member is null
                || !int.TryParse(group.AsSpan(member.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int count)
                || count is < 1 or > MaxMembers)
            {
                return false;
            }
            members.AddRange(Enumerable.Repeat(member, count));
            if (members.Count > MaxMembers)
            {
                return false;
            }
        }
        if (members.Count < MinMembers || ArchitectureName(members) != architecture)
        {
            return false;
        }
        memberArchitectures = members;
        return true;
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

    public int InputRank => 3;

    /// <summary>The members' mean probabilities as ONNX nodes (what softmax of <see cref="forward"/> gives, without the log round trip).</summary>
    public string ToOnnx(OnnxGraph g, string input)
    {
        var sum = g.Node("Sum", members.Select(m => m.ToOnnx(g, input)).ToArray());
        return g.Node("Div", [sum, g.Constant("members", [(float)members.Count], 1)]);
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
