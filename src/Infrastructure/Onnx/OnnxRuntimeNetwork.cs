using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace EmotionRecognition.Infrastructure.Onnx;

/// <summary>
/// A trained network compiled once into an ONNX Runtime session: the forward pass every classification runs. One
/// session serves every caller (Run is thread-safe); each run uses the calling thread only, so concurrent requests
/// scale over the cores instead of contending for an intra-op pool.
/// <para>
/// Why not libtorch: at our sizes (a 25-number vector, or a 3.7 s clip through a small CRNN) a libtorch forward is
/// many small operations dispatched one by one; ONNX Runtime runs the same graph with its graph optimisations
/// (batch norm folded into the convolutions) and the GRU as one kernel. docs/benchmarks.md has the
/// measured difference and the agreement with the torch forward.
/// </para>
/// </summary>
public sealed class OnnxRuntimeNetwork : IDisposable
{
    private const string InputName = "input";

    private readonly InferenceSession session;
    private readonly RunOptions runOptions = new();
    private readonly string[] inputNames = [InputName];
    private readonly string[] outputNames;

    private OnnxRuntimeNetwork(byte[] model, string output)
    {
        session = OnnxSessions.OnCallingThread(model);
        outputNames = [output];
    }

    /// <summary>Compiles <paramref name="network"/>'s eval-mode forward (its weights are copied; the module may be disposed after).</summary>
    public static OnnxRuntimeNetwork Compile(nn.Module<Tensor, Tensor> network)
    {
        if (network is not IOnnxNetwork exportable)
        {
            throw new ArgumentException($"A {network.GetType().Name} cannot be compiled for ONNX Runtime.", nameof(network));
        }
        var graph = new OnnxGraph();
        var input = graph.Input(InputName, new long?[exportable.InputRank]);
        string probabilities;
        using (no_grad())
        {
            probabilities = exportable.ToOnnx(graph, input);
        }
        graph.Output(probabilities, 2);
        return new OnnxRuntimeNetwork(graph.ToBytes(), probabilities);
    }

    /// <summary>The class probabilities, row after row, for the input <paramref name="values"/> of shape <paramref name="shape"/>.</summary>
    public float[] Run(float[] values, long[] shape)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(values, shape);
        using var outputs = session.Run(runOptions, inputNames, [input], outputNames);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public void Dispose()
    {
        session.Dispose();
        runOptions.Dispose();
    }
}
