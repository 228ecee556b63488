using System.Buffers.Binary;

namespace EmotionRecognition.Application.Audio;

/// <summary>
/// Decodes RIFF/WAVE into mono float32 exactly as librosa.load (libsndfile + to_mono) does:
/// <list type="bullet">
/// <item>PCM u8 → (v − 128) / 128, s16 → v / 2^15, s24 → v / 2^23, s32 → v / 2^31;
/// IEEE float32/float64 as stored (rounded to float32).</item>
/// <item>WAVE_FORMAT_EXTENSIBLE is read through its SubFormat GUID (PCM or IEEE float).</item>
/// <item>Channels are averaged in float32 arithmetic (numpy's <c>mean(axis=0, dtype=float32)</c>:
/// a running float32 sum, then one float32 division).</item>
/// </list>
/// Chunks other than <c>fmt </c> and <c>data</c> are skipped, honouring RIFF's pad byte after
/// odd-sized chunks. Sizes read from the file are never trusted for allocation: a data chunk
/// that claims more bytes than exist yields the bytes present. Anything else malformed throws
/// <see cref="InvalidAudioException"/> with a message naming the problem.
/// </summary>
public static class WavReader
{
    private const ushort FormatPcm = 0x0001;
    private const ushort FormatAdpcm = 0x0002;
    private const ushort FormatIeeeFloat = 0x0003;
    private const ushort FormatALaw = 0x0006;
    private const ushort FormatMuLaw = 0x0007;
    private const ushort FormatImaAdpcm = 0x0011;
    private const ushort FormatExtensible = 0xFFFE;

    /// <summary>Bytes 2..15 of every KSDATAFORMAT_SUBTYPE_* GUID ({xxxxxxxx-0000-0010-8000-00aa00389b71}).</summary>
    private static ReadOnlySpan<byte> SubFormatGuidTail =>
        [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    /// <summary>Decodes a whole WAV file held in memory.</summary>
    /// <exception cref="InvalidAudioException">The bytes are not a WAV file we can decode.</exception>
    public static AudioClip Read(ReadOnlySpan<byte> wav) => Read(wav, null);

    /// <summary>
    /// Decodes a whole WAV file held in memory, refusing (before allocating the samples) one whose
    /// frames present run past <paramref name="limits"/>; null means no limit.
    /// </summary>
    /// <exception cref="InvalidAudioException">The bytes are not a WAV file we can decode, or too long.</exception>
    public static AudioClip Read(ReadOnlySpan<byte> wav, AudioLimits? limits)
    {
        if (wav.Length < 12)
            throw new InvalidAudioException($"Not a WAV file: {wav.Length} bytes is shorter than the 12-byte RIFF header.");
        if (!wav[..4].SequenceEqual("RIFF"u8))
            throw new InvalidAudioException("Not a WAV file: it does not start with 'RIFF'.");
        if (!wav.Slice(8, 4).SequenceEqual("WAVE"u8))
            throw new InvalidAudioException($"Not a WAV file: the RIFF form type is '{FourCc(wav.Slice(8, 4))}', not 'WAVE'.");

        WaveFormat? format = null;
        ReadOnlySpan<byte> data = default;
        var haveData = false;

        // The RIFF size field is ignored: files in the wild get it wrong, and we walk what is present.
        long position = 12;
        while (position + 8 <= wav.Length)
        {
            var header = wav.Slice((int)position, 8);
            var chunkSize = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            var bodyStart = (int)position + 8;
            var available = (int)Math.Min(chunkSize, (uint)(wav.Length - bodyStart));
            var body = wav.Slice(bodyStart, available);

            if (header[..4].SequenceEqual("fmt "u8) && format is null)
                format = ParseFormat(body);
            else if (header[..4].SequenceEqual("data"u8) && !haveData)
            {
                data = body;
                haveData = true;
            }

            // Chunks are word aligned: an odd-sized chunk is followed by one pad byte.
            position = bodyStart + (long)chunkSize + (chunkSize & 1);
        }

        if (format is null)
            throw new InvalidAudioException("Invalid WAV file: no 'fmt ' chunk.");
        if (!haveData)
            throw new InvalidAudioException("Invalid WAV file: no 'data' chunk.");

        return Decode(format, data, limits);
    }

    /// <summary>
    /// Reads at most <paramref name="maxBytes"/> from <paramref name="stream"/> (one more byte is
    /// read to detect excess) and decodes them. Memory grows with the bytes actually read.
    /// </summary>
    /// <exception cref="InvalidAudioException">The stream is larger than the limit or not a WAV we can decode.</exception>
    public static AudioClip Read(Stream stream, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        var limit = Math.Min(maxBytes, Array.MaxLength - 1L);

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        while (true)
        {
            var wanted = (int)Math.Min(chunk.Length, limit + 1 - buffer.Length);
            if (wanted <= 0)
                break;
            var read = stream.Read(chunk, 0, wanted);
            if (read == 0)
                break;
            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length > limit)
            throw new InvalidAudioException($"Audio is larger than {limit} bytes.");
        return Read(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>Reads and decodes a WAV file from disk.</summary>
    /// <exception cref="InvalidAudioException">The file is not a WAV we can decode.</exception>
    public static AudioClip ReadFile(string path) => Read(File.ReadAllBytes(path));

    private sealed record WaveFormat(ushort Encoding, int Channels, int SampleRateHz, int BlockAlign, int BitsPerSample);

    private static WaveFormat ParseFormat(ReadOnlySpan<byte> body)
    {
        if (body.Length < 16)
            throw new InvalidAudioException($"Invalid WAV file: the 'fmt ' chunk has {body.Length} bytes, fewer than the 16 required.");

        var tag = BinaryPrimitives.ReadUInt16LittleEndian(body);
        var channels = BinaryPrimitives.ReadUInt16LittleEndian(body[2..]);
        var sampleRateHz = BinaryPrimitives.ReadUInt32LittleEndian(body[4..]);
        var blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(body[12..]);
        var bitsPerSample = BinaryPrimitives.ReadUInt16LittleEndian(body[14..]);

        var encoding = tag;
        if (tag == FormatExtensible)
        {
            // WAVEFORMATEXTENSIBLE: cbSize(2) validBits(2) channelMask(4) SubFormat GUID(16) after the 16 base bytes.
            if (body.Length < 40)
                throw new InvalidAudioException($"Invalid WAV file: the WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk has {body.Length} bytes, fewer than the 40 required.");
            var guid = body.Slice(24, 16);
            if (!guid[2..].SequenceEqual(SubFormatGuidTail))
                throw new InvalidAudioException("Unsupported WAV encoding: WAVE_FORMAT_EXTENSIBLE with an unknown SubFormat GUID.");
            encoding = BinaryPrimitives.ReadUInt16LittleEndian(guid);
        }

        switch (encoding)
        {
            case FormatPcm or FormatIeeeFloat:
                break;
            case FormatALaw:
                throw new InvalidAudioException("Unsupported WAV encoding: A-law (format 0x0006); use PCM or IEEE float.");
            case FormatMuLaw:
                throw new InvalidAudioException("Unsupported WAV encoding: µ-law (format 0x0007); use PCM or IEEE float.");
            case FormatAdpcm or FormatImaAdpcm:
                throw new InvalidAudioException($"Unsupported WAV encoding: ADPCM (format 0x{encoding:X4}); use PCM or IEEE float.");
            default:
                throw new InvalidAudioException($"Unsupported WAV encoding: format 0x{encoding:X4}; use PCM or IEEE float.");
        }

        if (channels == 0)
            throw new InvalidAudioException("Invalid WAV file: zero channels.");
        if (sampleRateHz == 0)
            throw new InvalidAudioException("Invalid WAV file: zero sample rate.");
        if (sampleRateHz > int.MaxValue)
            throw new InvalidAudioException($"Invalid WAV file: sample rate {sampleRateHz} Hz is out of range.");

        var supportedBits = encoding == FormatPcm ? bitsPerSample is 8 or 16 or 24 or 32 : bitsPerSample is 32 or 64;
        if (!supportedBits)
        {
            var kind = encoding == FormatPcm ? "PCM" : "IEEE float";
            throw new InvalidAudioException($"Unsupported WAV encoding: {kind} with {bitsPerSample} bits per sample.");
        }

        var expectedBlockAlign = channels * (bitsPerSample / 8);
        if (blockAlign != expectedBlockAlign)
            throw new InvalidAudioException(
                $"Invalid WAV file: block align {blockAlign} does not match {channels} channel(s) × {bitsPerSample} bits ({expectedBlockAlign} bytes).");

        return new WaveFormat(encoding, channels, (int)sampleRateHz, blockAlign, bitsPerSample);
    }

    private static AudioClip Decode(WaveFormat format, ReadOnlySpan<byte> data, AudioLimits? limits)
    {
        if (data.Length / format.BlockAlign == 0)
            throw new InvalidAudioException($"Invalid WAV file: the 'data' chunk holds no complete sample frame ({data.Length} bytes).");
        var layout = new PcmLayout(format.Encoding == FormatIeeeFloat, format.BitsPerSample, format.Channels, BigEndian: false, UnsignedBytes: true);
        return new AudioClip(PcmFrames.ToMono(data, layout, format.SampleRateHz, limits), format.SampleRateHz);
    }

    private static string FourCc(ReadOnlySpan<byte> bytes)
    {
        Span<char> chars = stackalloc char[4];
        for (var i = 0; i < 4; i++)
            chars[i] = bytes[i] is >= 0x20 and < 0x7F ? (char)bytes[i] : '?';
        return new string(chars);
    }
}
