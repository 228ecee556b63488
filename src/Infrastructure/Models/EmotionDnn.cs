using EmotionRecognition.Infrastructure.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EmotionRecognition.Infrastructure.Models;

/// <summary>
/// The original dense network: inputs -> 128 -> 128 -> 8 with ReLU and dropout 0.3.
/// Outputs logits; the classifier applies softmax. Field names are the keys in the
/// weights file: never rename them once weights exist.
/// </summary>
public sealed class EmotionDnn : nn.Module<Tensor, Tensor>, IOnnxNetwork
{
    public const string ArchitectureName = "dnn-v1";

    private readonly Linear hidden1;
    private readonly Linear hidden2;
    private readonly Linear output;
    private readonly Dropout dropout;

    public EmotionDnn(int inputSize, int classes) : base(nameof(EmotionDnn))
    {
        hidden1 = nn.Linear(inputSize, 128);
        hidden2 = nn.Linear(128, 128);
        output = nn.Linear(128, classes);
        dropout = nn.Dropout(0.3);
        RegisterComponents();
    }

    /// <param name="input">[batch, inputSize] standardised features.</param>
    /// <returns>[batch, classes] logits.</returns>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = dropout.forward(nn.functional.relu(hidden1.forward(input)));
        x = dropout.forward(nn.functional.relu(hidden2.forward(x)));
        return output.forward(x).MoveToOuterDisposeScope();
    }

    public int InputRank => 2;

    /// <summary>The eval-mode forward as ONNX nodes: [batch, inputs] → [batch, classes] probabilities.</summary>
    public string ToOnnx(OnnxGraph g, string input)
    {
        var x = g.Relu(g.Dense(input, hidden1));
        x = g.Relu(g.Dense(x, hidden2));
        return g.Softmax(g.Dense(x, output), 1);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            hidden1.Dispose();
            hidden2.Dispose();
            output.Dispose();
            dropout.Dispose();
        }
        base.Dispose(disposing);
    }
}
