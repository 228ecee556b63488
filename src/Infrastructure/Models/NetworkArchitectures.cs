using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using static TorchSharp.torch;

namespace EmotionRecognition.Infrastructure.Models;

/// <summary>The one place that maps a network and an architecture name (as stored in manifests) to a module.</summary>
public static class NetworkArchitectures
{
    /// <summary>The architecture the Trainer builds for each network today.</summary>
    public static string Default(NetworkType network) => network switch
    {
        NetworkType.Cnn => EmotionCnnV2.ArchitectureName,
        NetworkType.Dnn => EmotionDnn.ArchitectureName,
        NetworkType.Crnn => EmotionCrnn.ArchitectureName,
        _ => throw new ArgumentOutOfRangeException(nameof(network), network, null),
    };

    /// <summary>
    /// Every architecture this build can load for a network. CRNN ensembles are named by
    /// their member architecture and count (<see cref="EmotionCrnnEnsemble.ArchitectureName(string, int)"/>); the list
    /// shows the pattern.
    /// </summary>
    public static IReadOnlyList<string> Known(NetworkType network) => network switch
    {
        NetworkType.Cnn => [EmotionCnnV2.ArchitectureName],
        NetworkType.Dnn => [EmotionDnn.ArchitectureName],
        NetworkType.Crnn =>
        [
            EmotionCrnn.ArchitectureName, EmotionCrnn.ArchitectureName + "x<members>",
            EmotionCrnn.PitchArchitectureName, EmotionCrnn.PitchArchitectureName + "x<members>",
        ],
        _ => [],
    };

    public static bool IsKnown(NetworkType network, string architecture) =>
        Known(network).Contains(architecture)
        || (network == NetworkType.Crnn && EmotionCrnnEnsemble.TryParseMembers(architecture, out IReadOnlyList<string> _));

    /// <summary>
    /// Rows of the network's input after its mel bands: <see cref="PitchFeatures.Rows"/> for pitch CRNNs (single, or any
    /// ensemble with a pitch member: its other members read only the mel rows), 0 for every other architecture. A set's profile must carry exactly these (<see cref="FeatureProfile.PitchRows"/>).
    /// </summary>
    public static int PitchRows(string architecture) =>
        architecture == EmotionCrnn.PitchArchitectureName
        || (EmotionCrnnEnsemble.TryParseMembers(architecture, out IReadOnlyList<string> members) && members.Contains(EmotionCrnn.PitchArchitectureName))
            ? PitchFeatures.Rows
            : 0;

    /// <summary>
    /// A freshly initialised module (uses torch's global generator: seed it first). <paramref name="inputSize"/> is the
    /// vector length for CNN and DNN, the number of mel bands for CRNN (pitch CRNNs take <see cref="PitchFeatures.Rows"/>
    /// more rows, which their architecture name implies).
    /// </summary>
    public static nn.Module<Tensor, Tensor> Create(NetworkType network, string architecture, int inputSize, int classes) =>
        architecture switch
        {
            EmotionCnnV2.ArchitectureName when network == NetworkType.Cnn => new EmotionCnnV2(inputSize, classes),
            EmotionDnn.ArchitectureName when network == NetworkType.Dnn => new EmotionDnn(inputSize, classes),
            EmotionCrnn.ArchitectureName when network == NetworkType.Crnn => new EmotionCrnn(inputSize, classes),
            EmotionCrnn.PitchArchitectureName when network == NetworkType.Crnn => new EmotionCrnn(inputSize, classes, pitchRows: PitchFeatures.Rows),
            _ when network == NetworkType.Crnn && EmotionCrnnEnsemble.TryParseMembers(architecture, out IReadOnlyList<string> members) =>
                EmotionCrnnEnsemble.Create(members, inputSize, PitchFeatures.Rows, classes),
            _ => throw new ArgumentException(
                $"Unknown architecture '{architecture}' for the {network.Name()} network; this build knows {string.Join(", ", Known(network))}."),
        };
}
