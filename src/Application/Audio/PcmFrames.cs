using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace EmotionRecognition.Application.Audio;

/// <summary>How uncompressed samples are stored: WAV and AIFF differ only in byte order and in 8-bit signedness.</summary>
/// <param name="IsFloat">IEEE float (32 or 64 bits) rather than integer PCM.</param>
/// <param name="BitsPerSample">8, 16, 24 or 32 for PCM; 32 or 64 for float.</param>
/// <param name="Channels">Interleaved channels per frame.</param>
/// <param name="BigEndian">AIFF's byte order (WAV and AIFF-C 'sowt' are little-endian).</param>
/// <param name="UnsignedBytes">8-bit samples centred on 128 (WAV) rather than two's complement (AIFF).</param>
internal readonly record struct PcmLayout(bool IsFloat, int BitsPerSample, int Channels, bool BigEndian, bool UnsignedBytes)
{
    public int BytesPerFrame => Channels * (BitsPerSample / 8);
}

/// <summary>
/// Interleaved integer or float frames to mono float32 exactly as librosa.load (libsndfile +
/// to_mono) gives them: PCM u8 → (v − 128) / 128, s8 → v / 2^7, s16 → v / 2^15, s24 → v / 2^23,
/// s32 → v / 2^31, float as stored (rounded to float32); channels averaged as numpy's
/// <c>mean(axis=0, dtype=float32)</c> (a running float32 sum, then one float32 division).
/// </summary>
internal static class PcmFrames
{
    /// <summary>
    /// The whole frames in <paramref name="data"/> (a trailing partial frame is dropped, as libsndfile
    /// does). The frame count comes from the bytes present and is checked against
    /// <paramref name="limits"/> before anything is allocated.
    /// </summary>
    public static float[] ToMono(ReadOnlySpan<byte> data, PcmLayout layout, int sampleRateHz, AudioLimits? limits)
    {
        var blockAlign = layout.BytesPerFrame;
        var frameCount = data.Length / blockAlign;
        if (limits is not null && frameCount > limits.MaxFrames(sampleRateHz, layout.Channels))
            throw limits.TooLong();

        var bytesPerSample = layout.BitsPerSample / 8;
        var channels = layout.Channels;
        var samples = new float[frameCount];
        if (layout is { IsFloat: false, BitsPerSample: 16, BigEndian: false } && BitConverter.IsLittleEndian)
        {
            Int16LittleEndian(MemoryMarshal.Cast<byte, short>(data[..(frameCount * blockAlign)]), channels, samples);
            return samples;
        }
        for (var frame = 0; frame < frameCount; frame++)
        {
            var block = data.Slice(frame * blockAlign, blockAlign);
            var sum = Sample(layout, block);
            for (var channel = 1; channel < channels; channel++)
                sum += Sample(layout, block[(channel * bytesPerSample)..]);
            samples[frame] = channels == 1 ? sum : sum / channels;
        }
        return samples;
    }

    /// <summary>
    /// 16-bit little-endian PCM, what phones, browsers and most WAV files hold, read as shorts in place. The same
    /// arithmetic as <see cref="Sample"/>: v / 2^15 is exact in float32 (a 16-bit value scaled by a power of two), so
    /// multiplying by 2^−15 gives the same bits, and channels are summed and divided in float32 as there.
    /// </summary>
    private static void Int16LittleEndian(ReadOnlySpan<short> interleaved, int channels, Span<float> samples)
    {
        const float scale = 1f / 32768f;
        if (channels == 1)
        {
            for (var i = 0; i < samples.Length; i++)
                samples[i] = interleaved[i] * scale;
            return;
        }
        for (var frame = 0; frame < samples.Length; frame++)
        {
            var block = interleaved.Slice(frame * channels, channels);
            var sum = block[0] * scale;
            for (var channel = 1; channel < channels; channel++)
                sum += block[channel] * scale;
            samples[frame] = sum / channels;
        }
    }

    private static float Sample(PcmLayout layout, ReadOnlySpan<byte> bytes)
    {
        if (layout.IsFloat)
        {
            return layout.BitsPerSample == 32
                ? layout.BigEndian ? BinaryPrimitives.ReadSingleBigEndian(bytes) : BinaryPrimitives.ReadSingleLittleEndian(bytes)
                : (float)(layout.BigEndian ? BinaryPrimitives.ReadDoubleBigEndian(bytes) : BinaryPrimitives.ReadDoubleLittleEndian(bytes));
        }

        return layout.BitsPerSample switch
        {
            8 => layout.UnsignedBytes ? (bytes[0] - 128) / 128f : (sbyte)bytes[0] / 128f,
            16 => (float)((layout.BigEndian ? BinaryPrimitives.ReadInt16BigEndian(bytes) : BinaryPrimitives.ReadInt16LittleEndian(bytes)) / 32768.0),
            // Sign-extend the 24-bit value by placing it in the top of an int.
            24 => (float)((layout.BigEndian
                ? (bytes[2] << 8) | (bytes[1] << 16) | (bytes[0] << 24)
                : (bytes[0] << 8) | (bytes[1] << 16) | (bytes[2] << 24)) >> 8) / 8388608f,
            _ => (float)((layout.BigEndian ? BinaryPrimitives.ReadInt32BigEndian(bytes) : BinaryPrimitives.ReadInt32LittleEndian(bytes)) / 2147483648.0),
        };
    }
}
