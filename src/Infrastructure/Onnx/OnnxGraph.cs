using System.Runtime.InteropServices;
using System.Text;
using static TorchSharp.torch;

namespace EmotionRecognition.Infrastructure.Onnx;

/// <summary>
/// An ONNX model (opset 17) built node by node from a trained network's weights, serialised to the protobuf bytes that
/// ONNX Runtime loads. TorchSharp has no exporter, so each architecture writes its own eval-mode graph
/// (<c>ToOnnx</c> beside its <c>forward</c>), and the parity tests hold the two to the same answers.
/// <para>
/// Only what our graphs need: float tensors, int64 constants, one float input with a symbolic batch and length, one
/// output. The encoding follows onnx.proto3 field by field (numbers in <see cref="Field"/>).
/// </para>
/// </summary>
public sealed class OnnxGraph
{
    public const int Opset = 17;
    private const long IrVersion = 8;

    private readonly List<byte[]> nodes = [];
    private readonly List<byte[]> initializers = [];
    private readonly List<byte[]> inputs = [];
    private readonly List<byte[]> outputs = [];
    private readonly HashSet<string> names = [];
    private int counter;

    /// <summary>A fresh value name starting with <paramref name="hint"/>.</summary>
    public string Name(string hint)
    {
        string name;
        do
        {
            name = $"{hint}_{counter++}";
        }
        while (!names.Add(name));
        return name;
    }

    /// <summary>Declares the graph's float input; a null dimension is symbolic (named <c>d{i}</c>).</summary>
    public string Input(string name, params long?[] dims)
    {
        names.Add(name);
        inputs.Add(ValueInfo(name, dims));
        return name;
    }

    /// <summary>Declares <paramref name="value"/> as the graph's float output of rank <paramref name="rank"/>.</summary>
    public void Output(string value, int rank) => outputs.Add(ValueInfo(value, new long?[rank]));

    /// <summary>A float initializer with these values and dimensions.</summary>
    public string Constant(string hint, ReadOnlySpan<float> values, params long[] dims)
    {
        // raw_data is little-endian, as are the platforms ONNX Runtime ships for.
        return Initializer(hint, DataType.Float, MemoryMarshal.AsBytes(values).ToArray(), dims);
    }

    /// <summary>A float initializer holding a copy of <paramref name="tensor"/> (any shape).</summary>
    public string Constant(string hint, Tensor tensor) =>
        Constant(hint, tensor.detach().cpu().contiguous().data<float>().ToArray(), tensor.shape);

    /// <summary>A 1-D int64 initializer (shapes, axes, slice bounds).</summary>
    public string Int64s(string hint, params long[] values)
    {
        return Initializer(hint, DataType.Int64, MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), values.Length);
    }

    /// <summary>Adds a node with one output and returns the output's name.</summary>
    public string Node(string op, IReadOnlyList<string> nodeInputs, params OnnxAttribute[] attributes) =>
        Node(op, nodeInputs, 1, attributes)[0];

    /// <summary>Adds a node with <paramref name="outputCount"/> outputs; an empty input name is an omitted optional input.</summary>
    public string[] Node(string op, IReadOnlyList<string> nodeInputs, int outputCount, params OnnxAttribute[] attributes)
    {
        var outs = Enumerable.Range(0, outputCount).Select(_ => Name(op.ToLowerInvariant())).ToArray();
        var w = new ProtoWriter();
        foreach (var input in nodeInputs)
            w.String(Field.NodeInput, input);
        foreach (var output in outs)
            w.String(Field.NodeOutput, output);
        w.String(Field.NodeName, outs[0] + "_node");
        w.String(Field.NodeOpType, op);
        foreach (var attribute in attributes)
            w.Message(Field.NodeAttribute, attribute.Encode());
        nodes.Add(w.ToArray());
        return outs;
    }

    /// <summary>The serialised ModelProto.</summary>
    public byte[] ToBytes()
    {
        var graph = new ProtoWriter();
        foreach (var node in nodes)
            graph.Message(Field.GraphNode, node);
        graph.String(Field.GraphName, "emotion");
        foreach (var initializer in initializers)
            graph.Message(Field.GraphInitializer, initializer);
        foreach (var input in inputs)
            graph.Message(Field.GraphInput, input);
        foreach (var output in outputs)
            graph.Message(Field.GraphOutput, output);

        var opset = new ProtoWriter();
        opset.String(Field.OpsetDomain, "");
        opset.Int64(Field.OpsetVersion, Opset);

        var model = new ProtoWriter();
        model.Int64(Field.ModelIrVersion, IrVersion);
        model.String(Field.ModelProducerName, "EmotionRecognition");
        model.Message(Field.ModelGraph, graph.ToArray());
        model.Message(Field.ModelOpsetImport, opset.ToArray());
        return model.ToArray();
    }

    private string Initializer(string hint, int dataType, byte[] raw, params long[] dims)
    {
        var name = Name(hint);
        var w = new ProtoWriter();
        foreach (var d in dims)
            w.Int64(Field.TensorDims, d);
        w.Int64(Field.TensorDataType, dataType);
        w.String(Field.TensorName, name);
        w.Bytes(Field.TensorRawData, raw);
        initializers.Add(w.ToArray());
        return name;
    }

    private static byte[] ValueInfo(string name, long?[] dims)
    {
        var shape = new ProtoWriter();
        for (int i = 0; i < dims.Length; i++)
        {
            var dim = new ProtoWriter();
            if (dims[i] is { } value)
                dim.Int64(Field.DimValue, value);
            else
                dim.String(Field.DimParam, $"d{i}");
            shape.Message(Field.ShapeDim, dim.ToArray());
        }
        var tensorType = new ProtoWriter();
        tensorType.Int64(Field.TensorTypeElemType, DataType.Float);
        tensorType.Message(Field.TensorTypeShape, shape.ToArray());
        var type = new ProtoWriter();
        type.Message(Field.TypeTensorType, tensorType.ToArray());
        var info = new ProtoWriter();
        info.String(Field.ValueInfoName, name);
        info.Message(Field.ValueInfoType, type.ToArray());
        return info.ToArray();
    }

    private static class DataType
    {
        public const int Float = 1;
        public const int Int64 = 7;
    }

    /// <summary>Field numbers of onnx.proto3.</summary>
    internal static class Field
    {
        public const int ModelIrVersion = 1, ModelProducerName = 2, ModelGraph = 7, ModelOpsetImport = 8;
        public const int OpsetDomain = 1, OpsetVersion = 2;
        public const int GraphNode = 1, GraphName = 2, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12;
        public const int NodeInput = 1, NodeOutput = 2, NodeName = 3, NodeOpType = 4, NodeAttribute = 5;
        public const int AttributeName = 1, AttributeFloat = 2, AttributeInt = 3, AttributeString = 4, AttributeInts = 8, AttributeType = 20;
        public const int TensorDims = 1, TensorDataType = 2, TensorName = 8, TensorRawData = 9;
        public const int ValueInfoName = 1, ValueInfoType = 2;
        public const int TypeTensorType = 1, TensorTypeElemType = 1, TensorTypeShape = 2;
        public const int ShapeDim = 1, DimValue = 1, DimParam = 2;
    }

    /// <summary>Protobuf's wire format: varint and length-delimited fields, fixed32 floats, every repeated field unpacked.</summary>
    internal sealed class ProtoWriter
    {
        private readonly MemoryStream stream = new();

        public void Int64(int field, long value)
        {
            Tag(field, 0);
            Varint((ulong)value);
        }

        public void Float(int field, float value)
        {
            Tag(field, 5);
            Span<byte> bytes = stackalloc byte[4];
            BitConverter.TryWriteBytes(bytes, value);
            stream.Write(bytes);
        }

        public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public void Message(int field, byte[] message) => Bytes(field, message);

        public void Bytes(int field, byte[] value)
        {
            Tag(field, 2);
            Varint((ulong)value.Length);
            stream.Write(value);
        }

        public byte[] ToArray() => stream.ToArray();

        private void Tag(int field, int wireType) => Varint(((ulong)field << 3) | (uint)wireType);

        private void Varint(ulong value)
        {
            while (value >= 0x80)
            {
                stream.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }
            stream.WriteByte((byte)value);
        }
    }
}

/// <summary>A node attribute: an int, a float, a string or a list of ints.</summary>
public readonly record struct OnnxAttribute(string Name, int Type, long Int = 0, float Float = 0, string? Text = null, long[]? Ints = null)
{
    public static OnnxAttribute Of(string name, long value) => new(name, 2, Int: value);

    public static OnnxAttribute Of(string name, float value) => new(name, 1, Float: value);

    public static OnnxAttribute Of(string name, string value) => new(name, 3, Text: value);

    public static OnnxAttribute Of(string name, params long[] values) => new(name, 7, Ints: values);

    internal byte[] Encode()
    {
        var w = new OnnxGraph.ProtoWriter();
        w.String(OnnxGraph.Field.AttributeName, Name);
        switch (Type)
        {
            case 1: w.Float(OnnxGraph.Field.AttributeFloat, Float); break;
            case 2: w.Int64(OnnxGraph.Field.AttributeInt, Int); break;
            case 3: w.Bytes(OnnxGraph.Field.AttributeString, Encoding.UTF8.GetBytes(Text!)); break;
            default:
                foreach (var value in Ints!)
                    w.Int64(OnnxGraph.Field.AttributeInts, value);
                break;
        }
        w.Int64(OnnxGraph.Field.AttributeType, Type);
        return w.ToArray();
    }
}
