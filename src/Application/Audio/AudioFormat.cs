using System.Buffers.Binary;

namespace EmotionRecognition.Application.Audio;

/// <summary>The containers and streams we decode, as recognised from a file's first bytes.</summary>
public enum AudioFormat
{
    /// <summary>None of the signatures below.</summary>
    Unknown,

    /// <summary>RIFF/WAVE (PCM, IEEE float, WAVE_FORMAT_EXTENSIBLE).</summary>
    Wav,

    /// <summary>RF64 or BW64: WAVE with 64-bit sizes.</summary>
    Rf64,

    /// <summary>IFF FORM of type AIFF or AIFC.</summary>
    Aiff,

    /// <summary>Native FLAC (<c>fLaC</c>).</summary>
    Flac,

    /// <summary>Ogg (<c>OggS</c>) with Vorbis, Opus or FLAC inside.</summary>
    Ogg,

    /// <summary>EBML (WebM, Matroska), as browsers' MediaRecorder writes Opus.</summary>
    Matroska,

    /// <summary>ISO base media (<c>ftyp</c>): MP4, M4A, 3GP with AAC.</summary>
    Mp4,

    /// <summary>MPEG-1/2 audio layer I–III frames, optionally after an ID3v2 tag.</summary>
    Mp3,

    /// <summary>AAC in ADTS frames, optionally after an ID3v2 tag.</summary>
    Aac,
}

/// <summary>Recognises an <see cref="AudioFormat"/> from magic numbers, never from a name or a Content-Type.</summary>
public static class AudioFormats
{
    /// <summary>What the user may send, for error messages and documentation.</summary>
    public const string Supported = "WAV, AIFF/AIFF-C, FLAC, MP3, AAC (M4A/MP4 or ADTS), Ogg Vorbis/Opus or WebM/Opus";

    /// <summary>The format whose signature starts <paramref name="head"/>.</summary>
    public static AudioFormat Detect(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 12)
        {
            var form = head.Slice(8, 4);
            if (head[..4].SequenceEqual("RIFF"u8) && form.SequenceEqual("WAVE"u8))
                return AudioFormat.Wav;
            if ((head[..4].SequenceEqual("RF64"u8) || head[..4].SequenceEqual("BW64"u8)) && form.SequenceEqual("WAVE"u8))
                return AudioFormat.Rf64;
            if (head[..4].SequenceEqual("FORM"u8) && (form.SequenceEqual("AIFF"u8) || form.SequenceEqual("AIFC"u8)))
                return AudioFormat.Aiff;
            if (head.Slice(4, 4).SequenceEqual("ftyp"u8))
                return AudioFormat.Mp4;
        }
        if (head.Length >= 4)
        {
            if (head[..4].SequenceEqual("fLaC"u8))
                return AudioFormat.Flac;
            if (head[..4].SequenceEqual("OggS"u8))
                return AudioFormat.Ogg;
            if (head[..4].SequenceEqual((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3]))
                return AudioFormat.Matroska;
        }

        // An ID3v2 tag (MP3, ADTS AAC and some FLAC files carry one) is skipped by its syncsafe size.
        if (head.Length >= 10 && head[..3].SequenceEqual("ID3"u8))
        {
            var tagBytes = 10 + ((head[6] & 0x7F) << 21 | (head[7] & 0x7F) << 14 | (head[8] & 0x7F) << 7 | (head[9] & 0x7F)) + ((head[5] & 0x10) != 0 ? 10 : 0);
            if (tagBytes >= head.Length)
                return AudioFormat.Mp3; // the tag fills what we were given; MP3 is by far the likeliest
            var afterTag = head[tagBytes..];
            if (afterTag.Length >= 4 && afterTag[..4].SequenceEqual("fLaC"u8))
                return AudioFormat.Flac;
            // Encoders may leave padding or junk between the tag and the first frame; the MP3 decoder resynchronises.
            return FrameSync(afterTag) == AudioFormat.Aac ? AudioFormat.Aac : AudioFormat.Mp3;
        }
        return FrameSync(head);
    }

    /// <summary>MPEG audio and ADTS frames both start with 11–12 set bits; the layer field tells them apart.</summary>
    private static AudioFormat FrameSync(ReadOnlySpan<byte> head)
    {
        if (head.Length < 4 || head[0] != 0xFF || (head[1] & 0xE0) != 0xE0)
            return AudioFormat.Unknown;
        var header = BinaryPrimitives.ReadUInt32BigEndian(head);
        var layer = (header >> 17) & 0x3;
        if ((head[1] & 0xF0) == 0xF0 && layer == 0)
        {
            // ADTS: sampling frequency index 13..15 is reserved.
            var frequencyIndex = (header >> 10) & 0xF;
            return frequencyIndex < 13 ? AudioFormat.Aac : AudioFormat.Unknown;
        }
        var version = (header >> 19) & 0x3;      // 01 is reserved
        var bitrateIndex = (header >> 12) & 0xF; // 1111 is invalid
        var rateIndex = (header >> 10) & 0x3;    // 11 is reserved
        return version != 1 && layer != 0 && bitrateIndex != 0xF && rateIndex != 3 ? AudioFormat.Mp3 : AudioFormat.Unknown;
    }

    /// <summary>How a format is named in messages.</summary>
    public static string Name(this AudioFormat format) => format switch
    {
        AudioFormat.Wav => "WAV",
        AudioFormat.Rf64 => "RF64",
        AudioFormat.Aiff => "AIFF",
        AudioFormat.Flac => "FLAC",
        AudioFormat.Ogg => "Ogg",
        AudioFormat.Matroska => "WebM/Matroska",
        AudioFormat.Mp4 => "MP4/M4A",
        AudioFormat.Mp3 => "MP3",
        AudioFormat.Aac => "AAC (ADTS)",
        _ => "unknown",
    };
}
