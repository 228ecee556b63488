using EmotionRecognition.Domain;
using static TorchSharp.torch;

namespace EmotionRecognition.Infrastructure.Models;

/// <summary>The one place that maps a network and an architecture name (as stored in manifests) to a module.</summary>
public static class NetworkArchitectures
{
    /// <summary>The architecture the Trainer builds for each network today.</summary>
    public static string Default(NetworkType network) => network switch
    {
        NetworkType.Cnn => EmotionCnn.ArchitectureName,
        NetworkType.Dnn => EmotionDnn.ArchitectureName,
        NetworkType.Crnn => EmotionCrnn.ArchitectureName,
        _ => throw new ArgumentOutOfRangeException(nameof(network), network, null),
    };

    public static bool IsKnown(NetworkType network, string architecture) => architecture == Default(network);

    /// <summary>
    /// A freshly initialised module (uses torch's global generator: seed it first). <paramref name="inputSize"/> is the
    /// vector length for CNN and DNN, the number of mel bands for CRNN.
    /// </summary>
    public static nn.Module<Tensor, Tensor> Create(NetworkType network, string architecture, int inputSize, int classes)
    {
        if (!IsKnown(network, architecture))
        {
            throw new ArgumentException($"Unknown architecture '{architecture}' for the {network.Name()} network; this build knows '{Default(network)}'.");
        }
        return network switch
        {
            NetworkType.Cnn => new EmotionCnn(inputSize, classes),
            NetworkType.Crnn => new EmotionCrnn(inputSize, classes),
            _ => new EmotionDnn(inputSize, classes),
        };
    }
}
