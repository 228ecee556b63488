using EmotionRecognition.Infrastructure.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EmotionRecognition.Infrastructure.Models;

/// <summary>
/// The original CNN's four convolutions (64, 128, 128, 128 filters of width 5, 'same'), changed where
/// speaker-independent cross-validation showed it pays (see docs/benchmarks.md, "Trainer"):
/// batch normalisation after every convolution, and gentler pooling. The original pools 4 then 4
/// (25 -> 6 -> 1, flooring away coefficients 16-24 and leaving the last two convolutions a single
/// position); here max-pool 2 follows the second and third convolutions (25 -> 12 -> 6) and a global
/// max over the 6 positions feeds the dense layer. Dropout 0.3. Outputs logits. Field names are the
/// keys in the weights file: never rename them once weights exist.
/// </summary>
public sealed class EmotionCnnV2 : nn.Module<Tensor, Tensor>, IOnnxNetwork
{
    public const string ArchitectureName = "cnn-v2";

    private readonly Conv1d conv1;
    private readonly Conv1d conv2;
    private readonly Conv1d conv3;
    private readonly Conv1d conv4;
    private readonly BatchNorm1d norm1;
    private readonly BatchNorm1d norm2;
    private readonly BatchNorm1d norm3;
    private readonly BatchNorm1d norm4;
    private readonly MaxPool1d pool;
    private readonly Dropout dropout;
    private readonly Linear output;
    private readonly int inputSize;

    public EmotionCnnV2(int inputSize, int classes) : base(nameof(EmotionCnnV2))
    {
        this.inputSize = inputSize;
        conv1 = nn.Conv1d(1, 64, 5, padding: 2);
        conv2 = nn.Conv1d(64, 128, 5, padding: 2);
        conv3 = nn.Conv1d(128, 128, 5, padding: 2);
        conv4 = nn.Conv1d(128, 128, 5, padding: 2);
        norm1 = nn.BatchNorm1d(64);
        norm2 = nn.BatchNorm1d(128);
        norm3 = nn.BatchNorm1d(128);
        norm4 = nn.BatchNorm1d(128);
        pool = nn.MaxPool1d(2);
        dropout = nn.Dropout(0.3);
        output = nn.Linear(128, classes);
        RegisterComponents();
    }

    /// <param name="input">[batch, inputSize] standardised features.</param>
    /// <returns>[batch, classes] logits.</returns>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input.reshape(-1, 1, inputSize);
        x = nn.functional.relu(norm1.forward(conv1.forward(x)));
        x = dropout.forward(nn.functional.relu(norm2.forward(conv2.forward(x))));
        x = pool.forward(x);
        x = dropout.forward(nn.functional.relu(norm3.forward(conv3.forward(x))));
        x = pool.forward(x);
        x = nn.functional.relu(norm4.forward(conv4.forward(x)));
        // Global max over coefficient positions: [batch, 128, positions] -> [batch, 128].
        x = x.amax([2]);
        return output.forward(dropout.forward(x)).MoveToOuterDisposeScope();
    }

    public int InputRank => 2;

    /// <summary>The eval-mode forward as ONNX nodes: [batch, inputs] → [batch, classes] probabilities.</summary>
    public string ToOnnx(OnnxGraph g, string input)
    {
        var x = g.Node("Unsqueeze", [input, g.Int64s("axes", 1)]);
        x = g.Relu(g.BatchNorm(g.Conv(x, conv1.weight!, conv1.bias, padding: 2), norm1));
        x = g.Relu(g.BatchNorm(g.Conv(x, conv2.weight!, conv2.bias, padding: 2), norm2));
        x = g.MaxPool(x, 2, axes: 1);
        x = g.Relu(g.BatchNorm(g.Conv(x, conv3.weight!, conv3.bias, padding: 2), norm3));
        x = g.MaxPool(x, 2, axes: 1);
        x = g.Relu(g.BatchNorm(g.Conv(x, conv4.weight!, conv4.bias, padding: 2), norm4));
        x = g.Node("ReduceMax", [x], OnnxAttribute.Of("axes", [2L]), OnnxAttribute.Of("keepdims", 0L));
        return g.Softmax(g.Dense(x, output), 1);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var module in new nn.Module[] { conv1, conv2, conv3, conv4, norm1, norm2, norm3, norm4, pool, dropout, output })
            {
                module.Dispose();
            }
        }
        base.Dispose(disposing);
    }
}
