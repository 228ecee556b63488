using System.Buffers.Binary;
using System.Text;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.IntegrationTests.Trainer;

namespace EmotionRecognition.IntegrationTests.Timeline;

/// <summary>Long recordings made of RAVDESS sentences joined by pauses, and 16-bit WAV files of any samples.</summary>
internal static class TimelineRecordings
{
    /// <summary>A recording and where each sentence in it starts and ends (seconds).</summary>
    public sealed record Joined(AudioClip Clip, IReadOnlyList<(double Start, double End, string File)> Sentences);

    /// <summary>
    /// Actor 2's first sentence in <paramref name="count"/> different emotions, each trimmed to its speech
    /// (RAVDESS files carry half a second or more of room tone at both ends), with <paramref name="pauseSeconds"/>
    /// of quiet noise between them and at both ends.
    /// </summary>
    public static Joined Sentences(int count, double pauseSeconds = 1.5, int actor = 2)
    {
        var folder = Path.Combine(RealAudioTests.SharedRavdess, $"Actor_{actor:00}");
        var files = Enumerable.Range(1, 8).Select(e => Path.Combine(folder, $"03-01-{e:00}-01-01-01-{actor:00}.wav")).Take(count).ToArray();
        var random = new Random(19);
        var samples = new List<float>();
        var sentences = new List<(double, double, string)>();
        var rate = 0;
        void Pause(double seconds)
        {
            for (int i = 0; i < (int)(seconds * rate); i++)
                samples.Add((float)((random.NextDouble() - 0.5) * 0.002));
        }
        foreach (var file in files)
        {
            var clip = WavReader.ReadFile(file);
            rate = clip.SampleRateHz;
            if (samples.Count == 0)
                Pause(pauseSeconds);
            var (start, end) = SpeechBounds(clip.Samples);
            sentences.Add(((double)samples.Count / rate, (double)(samples.Count + end - start) / rate, Path.GetFileName(file)));
            samples.AddRange(clip.Samples[start..end]);
            Pause(pauseSeconds);
        }
        return new Joined(new AudioClip(samples.ToArray(), rate), sentences);
    }

    /// <summary>First and last sample within 40 dB of the clip's loudest 20-ms frame.</summary>
    public static (int Start, int End) SpeechBounds(float[] samples)
    {
        const int frame = 441;
        var energies = Enumerable.Range(0, samples.Length / frame)
            .Select(f => samples.AsSpan(f * frame, frame).ToArray().Sum(x => (double)x * x) / frame).ToArray();
        var threshold = energies.Max() * 1e-4;
        var first = Array.FindIndex(energies, e => e > threshold);
        var last = Array.FindLastIndex(energies, e => e > threshold);
        return (first * frame, Math.Min(samples.Length, (last + 1) * frame));
    }

    /// <summary><paramref name="clip"/> as a 16-bit PCM mono WAV file.</summary>
    public static byte[] Wav(AudioClip clip)
    {
        var data = new byte[clip.Samples.Length * 2];
        for (int i = 0; i < clip.Samples.Length; i++)
            BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(2 * i), (short)Math.Round(Math.Clamp(clip.Samples[i], -1f, 1f) * short.MaxValue));
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream);
        w.Write(Encoding.ASCII.GetBytes("RIFF"));
        w.Write(4 + 24 + 8 + data.Length);
        w.Write(Encoding.ASCII.GetBytes("WAVEfmt "));
        w.Write(16);
        w.Write((short)1);
        w.Write((short)1);
        w.Write(clip.SampleRateHz);
        w.Write(clip.SampleRateHz * 2);
        w.Write((short)2);
        w.Write((short)16);
        w.Write(Encoding.ASCII.GetBytes("data"));
        w.Write(data.Length);
        w.Write(data);
        w.Flush();
        return stream.ToArray();
    }
}
