namespace EmotionRecognition.Infrastructure.Onnx;

/// <summary>A network that can write its eval-mode forward pass, softmax included, as an ONNX graph.</summary>
public interface IOnnxNetwork
{
    /// <summary>Rank of the input: 2 for an MFCC vector batch [batch, inputs], 3 for sequences [batch, rows, frames].</summary>
    int InputRank { get; }

    /// <summary>Adds the nodes from <paramref name="input"/> to [batch, classes] class probabilities and returns their name.</summary>
    string ToOnnx(OnnxGraph graph, string input);
}
