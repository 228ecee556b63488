using System.Buffers.Binary;
using System.Text;

namespace EmotionRecognition.IntegrationTests.Trainer;

/// <summary>Writes small 16-bit PCM WAV files, optionally stereo and with a chunk readers must skip.</summary>
public static class TestWav
{
    /// <summary>A tone of <paramref name="frequencyHz"/> lasting <paramref name="seconds"/>, identical on every channel.</summary>
    public static byte[] Tone(double frequencyHz, int sampleRateHz = 22050, int channels = 1, double seconds = 3.7, bool listChunk = false)
    {
        int frames = (int)(seconds * sampleRateHz);
        var data = new byte[frames * channels * 2];
        for (int n = 0; n < frames; n++)
        {
            // A little harmonic content so the spectrum is not a single bin.
            double t = (double)n / sampleRateHz;
            double x = 0.4 * Math.Sin(2 * Math.PI * frequencyHz * t) + 0.1 * Math.Sin(2 * Math.PI * 3 * frequencyHz * t);
            short sample = (short)Math.Round(x * short.MaxValue);
            for (int c = 0; c < channels; c++)
            {
                BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan((n * channels + c) * 2), sample);
            }
        }
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream);
        var list = listChunk ? Encoding.ASCII.GetBytes("INFOISFT\u0005\0\0\0test\0\0") : [];
        w.Write(Encoding.ASCII.GetBytes("RIFF"));
        w.Write(4 + (8 + 16) + (listChunk ? 8 + list.Length : 0) + 8 + data.Length);
        w.Write(Encoding.ASCII.GetBytes("WAVE"));
        if (listChunk)
        {
            w.Write(Encoding.ASCII.GetBytes("LIST"));
            w.Write(list.Length);
            w.Write(list);
        }
        w.Write(Encoding.ASCII.GetBytes("fmt "));
        w.Write(16);
        w.Write((short)1);
        w.Write((short)channels);
        w.Write(sampleRateHz);
        w.Write(sampleRateHz * channels * 2);
        w.Write((short)(channels * 2));
        w.Write((short)16);
        w.Write(Encoding.ASCII.GetBytes("data"));
        w.Write(data.Length);
        w.Write(data);
        w.Flush();
        return stream.ToArray();
    }
}
