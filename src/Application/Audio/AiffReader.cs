using System.Buffers.Binary;

namespace EmotionRecognition.Application.Audio;

/// <summary>
/// Decodes AIFF and AIFF-C (uncompressed: 'NONE'/'twos' big-endian PCM, 'sowt' little-endian PCM,
/// 'fl32'/'fl64' float) into mono float32 with the same sample conversion and channel mean as
/// <see cref="WavReader"/>, so the same sound gives the same samples in either container. AIFF's
/// 8-bit samples are signed. As there, chunks are walked as present (IFF pads odd chunks to even),
/// sizes are never trusted for allocation, and anything malformed throws
/// <see cref="InvalidAudioException"/> naming the problem.
/// </summary>
public static class AiffReader
{
    /// <summary>Decodes a whole AIFF or AIFF-C file held in memory within <paramref name="limits"/> (null: none).</summary>
    /// <exception cref="InvalidAudioException">The bytes are not an AIFF we can decode, or too long.</exception>
    public static AudioClip Read(ReadOnlySpan<byte> aiff, AudioLimits? limits = null)
    {
        if (aiff.Length < 12 || !aiff[..4].SequenceEqual("FORM"u8))
            throw new InvalidAudioException("Not an AIFF file: it does not start with a 12-byte 'FORM' header.");
        var isAifc = aiff.Slice(8, 4).SequenceEqual("AIFC"u8);
        if (!isAifc && !aiff.Slice(8, 4).SequenceEqual("AIFF"u8))
            throw new InvalidAudioException("Not an AIFF file: the FORM type is neither 'AIFF' nor 'AIFC'.");

        Common? common = null;
        ReadOnlySpan<byte> data = default;
        var haveData = false;
        long position = 12;
        while (position + 8 <= aiff.Length)
        {
            var header = aiff.Slice((int)position, 8);
            var chunkSize = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
            var bodyStart = (int)position + 8;
            var body = aiff.Slice(bodyStart, (int)Math.Min(chunkSize, (uint)(aiff.Length - bodyStart)));

            if (header[..4].SequenceEqual("COMM"u8) && common is null)
                common = ParseCommon(body, isAifc);
            else if (header[..4].SequenceEqual("SSND"u8) && !haveData)
            {
                // SSND: offset(4) blockSize(4), then the frames from 'offset' bytes further on.
                if (body.Length < 8)
                    throw new InvalidAudioException($"Invalid AIFF file: the 'SSND' chunk has {body.Length} bytes, fewer than the 8 required.");
                var offset = BinaryPrimitives.ReadUInt32BigEndian(body);
                data = offset <= body.Length - 8 ? body[(8 + (int)offset)..] : default;
                haveData = true;
            }
            position = bodyStart + (long)chunkSize + (chunkSize & 1);
        }

        if (common is null)
            throw new InvalidAudioException("Invalid AIFF file: no 'COMM' chunk.");
        if (!haveData)
            throw new InvalidAudioException("Invalid AIFF file: no 'SSND' chunk.");
        if (data.Length / common.Layout.BytesPerFrame == 0)
            throw new InvalidAudioException($"Invalid AIFF file: the 'SSND' chunk holds no complete sample frame ({data.Length} bytes).");
        return new AudioClip(PcmFrames.ToMono(data, common.Layout, common.SampleRateHz, limits), common.SampleRateHz);
    }

    private sealed record Common(PcmLayout Layout, int SampleRateHz);

    private static Common ParseCommon(ReadOnlySpan<byte> body, bool isAifc)
    {
        // COMM: channels(2) frames(4) bitsPerSample(2) rate(10, 80-bit extended); AIFF-C adds compressionType(4) and a name.
        var required = isAifc ? 22 : 18;
        if (body.Length < required)
            throw new InvalidAudioException($"Invalid AIFF file: the 'COMM' chunk has {body.Length} bytes, fewer than the {required} required.");
        var channels = BinaryPrimitives.ReadUInt16BigEndian(body);
        var bits = BinaryPrimitives.ReadUInt16BigEndian(body[6..]);
        var rate = Extended(body.Slice(8, 10));
        if (channels == 0)
            throw new InvalidAudioException("Invalid AIFF file: zero channels.");
        if (!(rate >= 1 && rate <= int.MaxValue))
            throw new InvalidAudioException($"Invalid AIFF file: sample rate {rate} Hz is out of range.");

        var compression = isAifc ? body.Slice(18, 4) : "NONE"u8;
        PcmLayout layout;
        if (compression.SequenceEqual("NONE"u8) || compression.SequenceEqual("twos"u8) || compression.SequenceEqual("sowt"u8))
        {
            // Samples are stored in whole bytes, left-justified: 12 bits occupy two bytes.
            var stored = (bits + 7) / 8 * 8;
            if (bits == 0 || stored is not (8 or 16 or 24 or 32) || stored != bits)
                throw new InvalidAudioException($"Unsupported AIFF encoding: PCM with {bits} bits per sample.");
            layout = new PcmLayout(false, bits, channels, BigEndian: !compression.SequenceEqual("sowt"u8), UnsignedBytes: false);
        }
        else if (compression.SequenceEqual("fl32"u8) || compression.SequenceEqual("FL32"u8))
            layout = new PcmLayout(true, 32, channels, BigEndian: true, UnsignedBytes: false);
        else if (compression.SequenceEqual("fl64"u8) || compression.SequenceEqual("FL64"u8))
            layout = new PcmLayout(true, 64, channels, BigEndian: true, UnsignedBytes: false);
        else
            throw new InvalidAudioException($"Unsupported AIFF-C compression '{Printable(compression)}'; use PCM ('NONE', 'sowt') or float ('fl32', 'fl64').");
        return new Common(layout, (int)Math.Round(rate));
    }

    /// <summary>IEEE 754 80-bit extended: sign(1) exponent(15, bias 16383) mantissa(64, explicit integer bit).</summary>
    private static double Extended(ReadOnlySpan<byte> bytes)
    {
        var exponent = BinaryPrimitives.ReadUInt16BigEndian(bytes) & 0x7FFF;
        var mantissa = BinaryPrimitives.ReadUInt64BigEndian(bytes[2..]);
        if (exponent == 0x7FFF)
            return double.NaN;
        var value = mantissa * Math.Pow(2, exponent - 16383 - 63);
        return (bytes[0] & 0x80) != 0 ? -value : value;
    }

    private static string Printable(ReadOnlySpan<byte> fourCc)
    {
        Span<char> chars = stackalloc char[4];
        for (var i = 0; i < 4; i++)
            chars[i] = fourCc[i] is >= 0x20 and < 0x7F ? (char)fourCc[i] : '?';
        return new string(chars);
    }
}
