using CsCheck;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;

namespace EmotionRecognition.UnitTests.Audio;

/// <summary>
/// Random, mostly-malformed WAV images: the reader either decodes them or throws
/// <see cref="InvalidAudioException"/> — never another exception, which the Api would turn into a 500.
/// </summary>
public sealed class WavReaderPropertyTests
{
    private static readonly string[] ChunkIds = ["fmt ", "data", "LIST", "JUNK", "fact"];
    private static readonly ushort[] FormatTags = [0x0001, 0x0003, 0xFFFE, 0x0006, 0x0007, 0x0002, 0x0011, 0x0055, 0x0000];
    private static readonly ushort[] Bits = [0, 4, 8, 12, 16, 24, 32, 64];

    /// <summary>A consistent fmt body: a supported encoding, matching bits and block align, sometimes extensible.</summary>
    private static readonly Gen<byte[]> ValidFormatBody =
        Gen.Select(Gen.Int[0, 4], Gen.Int[1, 3], Gen.Int[8000, 48000], Gen.Bool)
            .Select((encoding, channels, rate, extensible) =>
            {
                var (tag, bits) = encoding switch { 0 => (1, 8), 1 => (1, 16), 2 => (1, 24), 3 => (1, 32), _ => (3, 32) };
                return FormatBytes(extensible ? 0xFFFE : tag, channels, rate, bits, channels * bits / 8, extensible ? 40 : 16, tag);
            });

    /// <summary>A fmt body with implausible field values too, sometimes cut short.</summary>
    private static readonly Gen<byte[]> RandomFormatBody =
        Gen.Select(Gen.Int[0, FormatTags.Length - 1], Gen.Int[0, 3], Gen.Int[0, 200_000], Gen.Int[0, Bits.Length - 1], Gen.Int[0, 16], Gen.Int[10, 44], Gen.Int[0, 8])
            .Select((tag, channels, rate, bits, align, length, subFormat) =>
                FormatBytes(FormatTags[tag], channels, rate, Bits[bits], align, length, subFormat));

    /// <summary>An extra chunk: an id, a body, and a declared size that is usually honest but sometimes huge or short.</summary>
    private static readonly Gen<byte[]> ExtraChunk =
        Gen.Select(Gen.Int[0, ChunkIds.Length - 1], Gen.Byte.Array[0, 64], RandomFormatBody, Gen.Int[0, 9], Gen.UInt)
            .Select((id, randomBody, formatBody, sizeKind, randomSize) =>
            {
                var body = ChunkIds[id] == "fmt " ? formatBody : randomBody;
                var declared = sizeKind switch { 0 => randomSize, 1 => (uint)Math.Max(0, body.Length - 3), _ => (uint)body.Length };
                return ChunkBytes(ChunkIds[id], body, declared);
            });

    /// <summary>fmt + data (+ extra chunks, in some order), then a few flipped bytes and maybe a cut-off end.</summary>
    private static readonly Gen<byte[]> WavImage =
        Gen.Select(Gen.Frequency((3, ValidFormatBody), (1, RandomFormatBody)), Gen.Byte.Array[0, 512], ExtraChunk.Array[0, 3], Gen.Int[0, 3], Gen.Int.Array[0, 2], Gen.Int[0, 3], Gen.Int[0, 20])
            .Select((formatBody, data, extras, dataPosition, flips, headerKind, cut) =>
            {
                var chunks = new List<byte[]>(extras) { ChunkBytes("fmt ", formatBody, (uint)formatBody.Length) };
                chunks.Insert(Math.Min(dataPosition, chunks.Count), ChunkBytes("data", data, (uint)data.Length));
                var header = headerKind == 0 ? "RIFX\0\0\0\0WAVE"u8.ToArray() : "RIFF\0\0\0\0WAVE"u8.ToArray();
                var image = header.Concat(chunks.SelectMany(c => c)).ToArray();
                foreach (var flip in flips)
                    image[(flip & int.MaxValue) % image.Length] ^= 0xFF;
                return cut > 15 ? image[..Math.Max(0, image.Length - 4 * (cut - 15))] : image;
            });

    private static byte[] FormatBytes(int tag, int channels, int rate, int bits, int align, int length, int subFormat)
    {
        var full = new byte[44];
        BitConverter.TryWriteBytes(full.AsSpan(0), (ushort)tag);
        BitConverter.TryWriteBytes(full.AsSpan(2), (ushort)channels);
        BitConverter.TryWriteBytes(full.AsSpan(4), rate);
        BitConverter.TryWriteBytes(full.AsSpan(12), (ushort)align);
        BitConverter.TryWriteBytes(full.AsSpan(14), (ushort)bits);
        BitConverter.TryWriteBytes(full.AsSpan(24), (ushort)subFormat);
        byte[] tail = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];
        tail.CopyTo(full, 26);
        return full[..length];
    }

    private static byte[] ChunkBytes(string id, byte[] body, uint declaredSize)
    {
        var chunk = new byte[8 + body.Length + (body.Length & 1)];
        System.Text.Encoding.ASCII.GetBytes(id).CopyTo(chunk, 0);
        BitConverter.TryWriteBytes(chunk.AsSpan(4), declaredSize);
        body.CopyTo(chunk, 8);
        return chunk;
    }

    [Test]
    public void Read_AnyImage_DecodesOrThrowsInvalidAudioOnly()
    {
        var decoded = 0;
        WavImage.Sample(image =>
        {
            try
            {
                var clip = WavReader.Read(image);
                Interlocked.Increment(ref decoded);
                return clip.Samples.Length > 0 && clip.SampleRateHz > 0;
            }
            catch (InvalidAudioException)
            {
                return true;
            }
        }, iter: 20_000, seed: "0N0XIzNsQ0O2");

        // The generator must also reach the decoder, not only the header checks.
        TestContext.Out.WriteLine($"decoded {decoded} of 20000");
        Assert.That(decoded, Is.GreaterThan(2000));
    }

    [Test]
    public void ExtractMean_AnyDecodableImage_GivesFiniteVectorOrInvalidAudio()
    {
        var pipeline = new FeaturePipeline(FeatureProfile.Full);
        WavImage.Sample(image =>
        {
            try
            {
                return pipeline.ExtractMean(image).All(float.IsFinite);
            }
            catch (InvalidAudioException)
            {
                return true;
            }
        }, iter: 5_000, seed: "0N0XIzNsQ0O2");
    }
}
