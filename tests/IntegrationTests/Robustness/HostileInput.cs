using System.Buffers.Binary;
using System.Net.Http.Headers;
using System.Text;
using EmotionRecognition.IntegrationTests.Audio;

namespace EmotionRecognition.IntegrationTests.Robustness;

/// <summary>One hostile request and what the Api must answer: a status and, for errors, the problem <c>type</c>.</summary>
/// <param name="Name">The test case name.</param>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Route.</param>
/// <param name="Content">Builds the body (null for none); built per run because HttpContent is single-use.</param>
/// <param name="Status">Expected status code.</param>
/// <param name="ProblemType">Expected problem <c>type</c>; null for a success.</param>
public sealed record HostileInput(string Name, HttpMethod Method, string Path, Func<HttpContent?> Content, int Status, string? ProblemType)
{
    public override string ToString() => Name;
}

/// <summary>The RFC 9110 section each status is defined in: the problem <c>type</c> ASP.NET Core writes for it.</summary>
public static class ProblemTypes
{
    public const string BadRequest = "https://tools.ietf.org/html/rfc9110#section-15.5.1";
    public const string NotFound = "https://tools.ietf.org/html/rfc9110#section-15.5.5";
    public const string MethodNotAllowed = "https://tools.ietf.org/html/rfc9110#section-15.5.6";
    public const string RequestTimeout = "https://tools.ietf.org/html/rfc9110#section-15.5.9";
    public const string ContentTooLarge = "https://tools.ietf.org/html/rfc9110#section-15.5.14";
    public const string UnsupportedMediaType = "https://tools.ietf.org/html/rfc9110#section-15.5.16";
    public const string UnprocessableContent = "https://tools.ietf.org/html/rfc4918#section-11.2";
    public const string TooManyRequests = "https://tools.ietf.org/html/rfc6585#section-4";
    public const string ServiceUnavailable = "https://tools.ietf.org/html/rfc9110#section-15.6.4";
}

/// <summary>Bodies for the hostile-input table.</summary>
internal static class Bodies
{
    public static string Numbers(int count, string value = "1.5") => string.Join(",", Enumerable.Repeat(value, count));

    public static string Mfccs(int count = 25, string value = "1.5") => $$"""{"mfccs":[{{Numbers(count, value)}}]}""";

    /// <summary>25 numbers where the first is <paramref name="first"/>.</summary>
    public static string MfccsStartingWith(string first) => $$"""{"mfccs":[{{first}},{{Numbers(24)}}]}""";

    public static HttpContent Json(string body) => new StringContent(body, Encoding.UTF8, "application/json");

    public static HttpContent Raw(byte[] body, string? contentType)
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        return content;
    }

    public static HttpContent Wav(byte[] wav) => Raw(wav, "audio/wav");

    /// <summary>A canonical 44-byte-header WAV; <paramref name="declaredDataBytes"/> may claim more than is present.</summary>
    public static byte[] WavFile(int sampleRateHz, short bitsPerSample, ushort format, byte[] data, uint? declaredDataBytes = null, uint? riffSize = null)
    {
        var channels = (short)1;
        var blockAlign = (short)(channels * bitsPerSample / 8);
        var wav = new byte[44 + data.Length];
        "RIFF"u8.CopyTo(wav);
        BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(4), riffSize ?? (uint)(36 + data.Length));
        "WAVEfmt "u8.CopyTo(wav.AsSpan(8));
        BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(16), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(wav.AsSpan(20), format);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(22), channels);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(24), sampleRateHz);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(28), sampleRateHz * blockAlign);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(32), blockAlign);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(34), bitsPerSample);
        "data"u8.CopyTo(wav.AsSpan(36));
        BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(40), declaredDataBytes ?? (uint)data.Length);
        data.CopyTo(wav, 44);
        return wav;
    }

    /// <summary><paramref name="seconds"/> of a 440 Hz tone, 16-bit mono.</summary>
    public static byte[] Tone(int sampleRateHz, double seconds)
    {
        var data = new byte[(int)(sampleRateHz * seconds) * 2];
        for (var n = 0; n < data.Length / 2; n++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(2 * n), (short)(8000 * Math.Sin(2 * Math.PI * 440 * n / sampleRateHz)));
        }
        return data;
    }

    public static byte[] Floats(params float[] values)
    {
        var data = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), values[i]);
        }
        return data;
    }

    public static MultipartFormDataContent Form(params (string Name, HttpContent Part, string? FileName)[] parts)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, part, fileName) in parts)
        {
            if (fileName is null)
            {
                form.Add(part, name);
            }
            else
            {
                form.Add(part, name, fileName);
            }
        }
        return form;
    }
}

/// <summary>
/// Real encoder output (ffmpeg, from a RAVDESS clip) and damaged or disguised variants of it, for the
/// compressed-format rows of the table. Built on first use; without ffmpeg those rows are inconclusive.
/// </summary>
internal static class HostileAudio
{
    private static byte[] Encoded(string name) => EncodedAudio.Encode(AudioEncoding.All.Single(e => e.Name == name));

    public static byte[] Mp3 => Encoded("Mp3");

    public static byte[] Flac => Encoded("Flac");

    public static byte[] M4a => Encoded("M4aAac");

    public static byte[] Adts => Encoded("AdtsAac");

    public static byte[] Ogg => Encoded("OggVorbis");

    public static byte[] Opus => Encoded("OggOpus");

    public static byte[] Webm => Encoded("WebmOpus");

    public static byte[] Aiff => Encoded("Aiff");

    /// <summary>Ten minutes of quiet noise at 8 kb/s: well under the body limit, ten times the duration limit.</summary>
    public static byte[] TenMinuteMp3 => EncodedAudio.Encode("-f lavfi -i anoisesrc=r=8000:a=0.1:d=600", "-ac 1 -c:a libmp3lame -b:a 8k", ".mp3");

    /// <summary>One second at 44.1 kHz stereo, to follow a 22.05 kHz mono stream.</summary>
    public static byte[] Mp3At44100Stereo => EncodedAudio.Encode("-f lavfi -i sine=f=440:r=44100:d=1", "-ac 2 -c:a libmp3lame -b:a 64k", ".mp3");

    public static byte[] FlacAt48000 => EncodedAudio.Encode("-f lavfi -i sine=f=440:r=48000:d=1", "-c:a flac", ".flac");

    public static byte[] Garbage(int length, int seed = 7919) => Enumerable.Range(0, length).Select(i => (byte)(i * seed % 251)).ToArray();

    /// <summary>A 10-byte ID3v2 header claiming the largest syncsafe size (256 MiB).</summary>
    public static byte[] Id3Claiming256MiB => [.. "ID3"u8, 4, 0, 0, 0x7F, 0x7F, 0x7F, 0x7F];

    /// <summary>The FLAC marker and a STREAMINFO block claiming 16 MiB, then a little audio.</summary>
    public static byte[] FlacWithHugeMetadataBlock => [.. "fLaC"u8, 0x00, 0xFF, 0xFF, 0xFF, .. Flac[8..2000]];

    /// <summary>An MP4 whose first box claims 4 GiB.</summary>
    public static byte[] Mp4WithHugeBox
    {
        get
        {
            var m4a = M4a.ToArray();
            BinaryPrimitives.WriteUInt32BigEndian(m4a, uint.MaxValue);
            return m4a;
        }
    }

    /// <summary>An EBML header whose size is the 8-byte maximum, followed by nothing.</summary>
    public static byte[] EbmlWithHugeHeader => [0x1A, 0x45, 0xDF, 0xA3, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE, .. Garbage(100)];
}
