using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EmotionRecognition.Infrastructure.Onnx;

/// <summary>
/// TorchSharp layers in eval mode as ONNX nodes with the layers' own weights, for the architectures' <c>ToOnnx</c>.
/// Dropout has no node: in eval mode it is the identity.
/// </summary>
public static class OnnxLayers
{
    /// <summary>y = x·Wᵀ + b over the last axis of an input of any rank.</summary>
    public static string Dense(this OnnxGraph g, string x, Linear layer)
    {
        var product = g.Node("MatMul", [x, g.Constant("weight_t", layer.weight!.t())]);
        return layer.bias is null ? product : g.Node("Add", [product, g.Constant("bias", layer.bias)]);
    }

    /// <summary>A 1-D or 2-D convolution, stride 1, zero padding <paramref name="padding"/> on every side.</summary>
    public static string Conv(this OnnxGraph g, string x, Tensor weight, Tensor? bias, int padding)
    {
        var kernel = weight.shape[2..];
        var pads = Enumerable.Repeat((long)padding, 2 * kernel.Length).ToArray();
        string[] inputs = bias is null ? [x, g.Constant("conv_w", weight)] : [x, g.Constant("conv_w", weight), g.Constant("conv_b", bias)];
        return g.Node("Conv", inputs, OnnxAttribute.Of("kernel_shape", kernel), OnnxAttribute.Of("pads", pads));
    }

    /// <summary>Batch normalisation with the running statistics (eval mode), ε = 1e-5 as in every layer we train.</summary>
    public static string BatchNorm(this OnnxGraph g, string x, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar) =>
        g.Node("BatchNormalization",
            [x, g.Constant("bn_scale", weight), g.Constant("bn_bias", bias), g.Constant("bn_mean", runningMean), g.Constant("bn_var", runningVar)],
            OnnxAttribute.Of("epsilon", 1e-5f));

    public static string BatchNorm(this OnnxGraph g, string x, BatchNorm1d norm) =>
        g.BatchNorm(x, norm.weight!, norm.bias!, norm.running_mean!, norm.running_var!);

    public static string BatchNorm(this OnnxGraph g, string x, BatchNorm2d norm) =>
        g.BatchNorm(x, norm.weight!, norm.bias!, norm.running_mean!, norm.running_var!);

    public static string Relu(this OnnxGraph g, string x) => g.Node("Relu", [x]);

    /// <summary>Max-pooling with kernel and stride <paramref name="size"/> on each of <paramref name="axes"/> spatial axes (floor).</summary>
    public static string MaxPool(this OnnxGraph g, string x, int size, int axes) =>
        g.Node("MaxPool", [x], OnnxAttribute.Of("kernel_shape", Enumerable.Repeat((long)size, axes).ToArray()),
            OnnxAttribute.Of("strides", Enumerable.Repeat((long)size, axes).ToArray()));

    public static string Softmax(this OnnxGraph g, string x, int axis) => g.Node("Softmax", [x], OnnxAttribute.Of("axis", (long)axis));

    /// <summary>Rows [<paramref name="start"/>, <paramref name="end"/>) of axis <paramref name="axis"/> (torch's narrow).</summary>
    public static string Slice(this OnnxGraph g, string x, int axis, long start, long end) =>
        g.Node("Slice", [x, g.Int64s("start", start), g.Int64s("end", end), g.Int64s("axes", axis)]);

    public static string Transpose(this OnnxGraph g, string x, params long[] permutation) =>
        g.Node("Transpose", [x], OnnxAttribute.Of("perm", permutation));

    /// <summary>Reshape; 0 copies the input's dimension, −1 takes the rest.</summary>
    public static string Reshape(this OnnxGraph g, string x, params long[] shape) => g.Node("Reshape", [x, g.Int64s("shape", shape)]);

    /// <summary>
    /// A single-layer bidirectional GRU over <paramref name="x"/> [steps, batch, inputs]; returns [batch, steps, 2·hidden],
    /// forward then backward units, as torch's batch-first output. torch orders the gates r, z, n and ONNX z, r, h, and
    /// torch's n = tanh(W_in·x + b_in + r ⊙ (W_hn·h + b_hn)) is ONNX's <c>linear_before_reset = 1</c>.
    /// </summary>
    public static string BidirectionalGru(this OnnxGraph g, string x, GRU gru, int hidden)
    {
        var parameters = gru.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Tensor Gates(Tensor t) => cat([t.narrow(0, hidden, hidden), t.narrow(0, 0, hidden), t.narrow(0, 2 * hidden, hidden)], 0);
        Tensor Both(string name) => stack([Gates(parameters[name]), Gates(parameters[name + "_reverse"])]);
        using var scope = NewDisposeScope();
        var w = g.Constant("gru_w", Both("weight_ih_l0"));
        var r = g.Constant("gru_r", Both("weight_hh_l0"));
        var b = g.Constant("gru_b", cat([Both("bias_ih_l0"), Both("bias_hh_l0")], 1));
        // Y: [steps, directions, batch, hidden] -> [batch, steps, directions, hidden] -> [batch, steps, 2·hidden]
        var y = g.Node("GRU", [x, w, r, b], OnnxAttribute.Of("hidden_size", (long)hidden), OnnxAttribute.Of("direction", "bidirectional"),
            OnnxAttribute.Of("linear_before_reset", 1L));
        return g.Reshape(g.Transpose(y, 2, 0, 1, 3), 0, 0, -1);
    }
}
