using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EmotionRecognition.Infrastructure.Models;

/// <summary>
/// The original 1-D convolutional network over the coefficient axis (the coefficients are the
/// "time" axis, one input channel):
/// conv 64×5 same, conv 128×5 same, dropout, max-pool 4 (25 -> 6), max-pool 4 (6 -> 1),
/// conv 128×5 same, dropout, conv 128×5 same, flatten (128), dense to the classes.
/// After the pools the length is 1, so the last two convolutions only see their centre tap;
/// they are kept for fidelity with the original. Outputs logits. Field names are the keys in
/// the weights file: never rename them once weights exist.
/// </summary>
public sealed class EmotionCnn : nn.Module<Tensor, Tensor>
{
    public const string ArchitectureName = "cnn-v1";

    private readonly Conv1d conv1;
    private readonly Conv1d conv2;
    private readonly Conv1d conv3;
    private readonly Conv1d conv4;
    private readonly MaxPool1d pool;
    private readonly Dropout dropout;
    private readonly Linear output;
    private readonly int inputSize;

    public EmotionCnn(int inputSize, int classes) : base(nameof(EmotionCnn))
    {
        this.inputSize = inputSize;
        conv1 = nn.Conv1d(1, 64, 5, padding: 2);
        conv2 = nn.Conv1d(64, 128, 5, padding: 2);
        conv3 = nn.Conv1d(128, 128, 5, padding: 2);
        conv4 = nn.Conv1d(128, 128, 5, padding: 2);
        pool = nn.MaxPool1d(4);
        dropout = nn.Dropout(0.3);
        output = nn.Linear(128 * PooledLength(inputSize), classes);
        RegisterComponents();
    }

    /// <summary>Length after two max-pools of 4 (floor each time): 25 -> 6 -> 1.</summary>
    private static int PooledLength(int inputSize) => Math.Max(1, inputSize / 4 / 4);

    /// <param name="input">[batch, inputSize] standardised features.</param>
    /// <returns>[batch, classes] logits.</returns>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input.reshape(-1, 1, inputSize);
        x = nn.functional.relu(conv1.forward(x));
        x = nn.functional.relu(conv2.forward(x));
        x = dropout.forward(x);
        x = pool.forward(pool.forward(x));
        x = dropout.forward(nn.functional.relu(conv3.forward(x)));
        x = nn.functional.relu(conv4.forward(x));
        return output.forward(x.flatten(1)).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            conv1.Dispose();
            conv2.Dispose();
            conv3.Dispose();
            conv4.Dispose();
            pool.Dispose();
            dropout.Dispose();
            output.Dispose();
        }
        base.Dispose(disposing);
    }
}
