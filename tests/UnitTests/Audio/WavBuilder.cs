using System.Buffers.Binary;

namespace EmotionRecognition.UnitTests.Audio;

/// <summary>Builds RIFF/WAVE byte images chunk by chunk, including deliberately broken ones.</summary>
internal sealed class WavBuilder
{
    private readonly List<byte[]> _chunks = [];

    public string FormType { get; init; } = "WAVE";

    public string RiffId { get; init; } = "RIFF";

    /// <summary>A 16-byte WAVEFORMAT body (or 40-byte WAVEFORMATEXTENSIBLE when <paramref name="subFormat"/> is given).</summary>
    public WavBuilder Format(ushort tag, int channels, int sampleRateHz, int bitsPerSample, int? blockAlign = null, ushort? subFormat = null)
    {
        var align = blockAlign ?? channels * bitsPerSample / 8;
        var body = new byte[subFormat is null ? 16 : 40];
        BinaryPrimitives.WriteUInt16LittleEndian(body, tag);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(2), (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(4), (uint)sampleRateHz);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(8), (uint)(sampleRateHz * align));
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(12), (ushort)align);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(14), (ushort)bitsPerSample);
        if (subFormat is { } sub)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(16), 22);
            BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(18), (ushort)bitsPerSample);
            BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(24), sub);
            byte[] tail = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];
            tail.CopyTo(body.AsSpan(26));
        }

        return Chunk("fmt ", body);
    }

    public WavBuilder Chunk(string id, byte[] body, uint? declaredSize = null)
    {
        var chunk = new byte[8 + body.Length + (body.Length & 1)];
        System.Text.Encoding.ASCII.GetBytes(id).CopyTo(chunk, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(4), declaredSize ?? (uint)body.Length);
        body.CopyTo(chunk, 8);
        _chunks.Add(chunk);
        return this;
    }

    /// <summary>A chunk whose header is written but whose body is cut short (the file ends inside it).</summary>
    public WavBuilder TruncatedChunk(string id, byte[] presentBody, uint declaredSize)
    {
        var chunk = new byte[8 + presentBody.Length];
        System.Text.Encoding.ASCII.GetBytes(id).CopyTo(chunk, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(4), declaredSize);
        presentBody.CopyTo(chunk, 8);
        _chunks.Add(chunk);
        return this;
    }

    public WavBuilder Data(byte[] body) => Chunk("data", body);

    public byte[] Build()
    {
        var length = 12 + _chunks.Sum(c => c.Length);
        var wav = new byte[length];
        System.Text.Encoding.ASCII.GetBytes(RiffId).CopyTo(wav, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(4), (uint)(length - 8));
        System.Text.Encoding.ASCII.GetBytes(FormType).CopyTo(wav, 8);
        var position = 12;
        foreach (var chunk in _chunks)
        {
            chunk.CopyTo(wav, position);
            position += chunk.Length;
        }

        return wav;
    }

    public static byte[] Int16s(params short[] values)
    {
        var bytes = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i * 2), values[i]);
        return bytes;
    }

    public static byte[] Int24s(params int[] values)
    {
        var bytes = new byte[values.Length * 3];
        for (var i = 0; i < values.Length; i++)
        {
            bytes[i * 3] = (byte)values[i];
            bytes[i * 3 + 1] = (byte)(values[i] >> 8);
            bytes[i * 3 + 2] = (byte)(values[i] >> 16);
        }

        return bytes;
    }

    public static byte[] Int32s(params int[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), values[i]);
        return bytes;
    }

    public static byte[] Floats(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        return bytes;
    }

    public static byte[] Doubles(params double[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (var i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * 8), values[i]);
        return bytes;
    }

    /// <summary>A mono 16-bit PCM file with the given samples.</summary>
    public static byte[] MonoPcm16(int sampleRateHz, params short[] values) =>
        new WavBuilder().Format(1, 1, sampleRateHz, 16).Data(Int16s(values)).Build();
}
