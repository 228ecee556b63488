using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Timeline;
using EmotionRecognition.Application.UseCases;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Classification;
using EmotionRecognition.Infrastructure.Configuration;
using EmotionRecognition.Infrastructure.Vad;

/// <summary>
/// Speed and memory of the timeline (docs/timeline.md):
///   bench-recording RAVDESS MODELS       10 minutes through PredictTimelineHandler per network, CPU time and peak RSS
///   bench-stream RAVDESS ws://HOST/stream/CRNN?sampleRate=22050 SERVER_PID
///                                        10 minutes over the WebSocket as fast as the server takes them, the server's RSS per minute of audio
/// </summary>
static class Bench
{
    /// <summary>600 s of RAVDESS sentences from actors 1-20 in turn, 0.5-2.5 s pauses, faint noise.</summary>
    public static AudioClip TenMinutes(string ravdess)
    {
        var random = new Random(600);
        var samples = new List<float>();
        const int rate = 22050;
        var files = Enumerable.Range(1, 20).SelectMany(a => Directory.GetFiles(Path.Combine(ravdess, $"Actor_{a:00}"), "03-01-*.wav").Order()).ToArray();
        for (int i = 0; samples.Count < 600 * rate; i++)
        {
            var clip = WavReader.ReadFile(files[(i * 37) % files.Length]);
            samples.AddRange(clip.Samples);
            var pause = (int)((0.5 + 2 * random.NextDouble()) * rate);
            for (int k = 0; k < pause; k++) samples.Add((float)((random.NextDouble() - 0.5) * 0.002));
        }
        return new AudioClip(samples.Take(600 * rate).ToArray(), rate);
    }

    public static async Task RecordingAsync(string ravdess, string models)
    {
        var clip = TenMinutes(ravdess);
        var wav = Wav(clip);
        var classifier = new ModelSetClassifier(new ModelsOptions { Path = Path.GetFullPath(models), ReloadPollSeconds = 0 });
        using var metrics = new PredictionMetrics();
        using var detector = new SileroVoiceActivityDetector();
        var streams = new TimelineStreams(classifier, detector, new SegmentationOptions(), new StartTimelineStreamValidator());
        var handler = new PredictTimelineHandler(streams, metrics, new EmotionRecognition.Infrastructure.Audio.FfmpegAudioDecoder());
        var process = Process.GetCurrentProcess();
        Console.WriteLine($"recording {clip.DurationSeconds:F0} s, {wav.Length / 1048576.0:F1} MiB WAV at {clip.SampleRateHz} Hz");

        // Detector alone: resampling and Silero, no classification.
        foreach (var run in Enumerable.Range(0, 3))
        {
            var cpu = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            using var speech = new SpeechStream(detector, new SegmentationOptions(), clip.SampleRateHz);
            int segments = 0;
            for (int start = 0; start < clip.Samples.Length; start += clip.SampleRateHz)
                segments += speech.Push(clip.Samples.AsSpan(start, Math.Min(clip.SampleRateHz, clip.Samples.Length - start))).Count(s => !s.Event.IsPartial);
            segments += speech.Finish().Count(s => !s.Event.IsPartial);
            process.Refresh();
            var used = (process.TotalProcessorTime - cpu).TotalSeconds;
            Console.WriteLine($"detector only run {run}: {segments} segments, wall {watch.Elapsed.TotalSeconds:F2} s, cpu {used:F2} s, {clip.DurationSeconds / used:F0}x real time per core");
        }
        foreach (var network in new[] { NetworkType.Crnn, NetworkType.Cnn, NetworkType.Dnn })
        foreach (var run in Enumerable.Range(0, 3))
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            var timeline = await handler.Handle(new PredictTimeline(NetworkName.Parse(network.Name()), wav), CancellationToken.None);
            process.Refresh();
            var used = (process.TotalProcessorTime - cpu).TotalSeconds;
            Console.WriteLine($"{network.Name()} run {run}: {timeline.Segments.Count} segments, wall {watch.Elapsed.TotalSeconds:F2} s, cpu {used:F2} s, " +
                $"{clip.DurationSeconds / used:F0}x real time per core, peak RSS {process.PeakWorkingSet64 / 1048576.0:F0} MiB");
        }
    }

    public static async Task StreamAsync(string ravdess, Uri uri, int serverPid)
    {
        var clip = TenMinutes(ravdess);
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(uri, CancellationToken.None);
        var messages = 0;
        var receiving = Task.Run(async () =>
        {
            var buffer = new byte[1 << 16];
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close) return result.CloseStatus;
                if (result.EndOfMessage) Interlocked.Increment(ref messages);
            }
        });
        var chunk = clip.SampleRateHz / 4;
        var bytes = new byte[chunk * 2];
        var watch = Stopwatch.StartNew();
        Console.WriteLine($"audio_minute,server_rss_mib,messages,wall_s");
        Console.WriteLine($"0,{Rss(serverPid):F1},{messages},0");
        for (int start = 0, sent = 0; start < clip.Samples.Length; start += chunk)
        {
            var count = Math.Min(chunk, clip.Samples.Length - start);
            for (int i = 0; i < count; i++)
                System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2 * i), (short)Math.Round(Math.Clamp(clip.Samples[start + i], -1f, 1f) * 32767));
            await socket.SendAsync(bytes.AsMemory(0, count * 2), WebSocketMessageType.Binary, true, CancellationToken.None);
            sent += count;
            if (sent / clip.SampleRateHz / 60 != (sent - count) / clip.SampleRateHz / 60)
                Console.WriteLine($"{sent / clip.SampleRateHz / 60},{Rss(serverPid):F1},{messages},{watch.Elapsed.TotalSeconds:F1}");
        }
        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"type\":\"end\"}"), WebSocketMessageType.Text, true, CancellationToken.None);
        var status = await receiving;
        Console.WriteLine($"closed {status}, {messages} messages, {watch.Elapsed.TotalSeconds:F1} s for {clip.DurationSeconds:F0} s of audio");
    }

    private static double Rss(int pid) =>
        File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmRSS:")).Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024).Single();

    private static byte[] Wav(AudioClip clip)
    {
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream);
        w.Write(Encoding.ASCII.GetBytes("RIFF"));
        w.Write(36 + clip.Samples.Length * 2);
        w.Write(Encoding.ASCII.GetBytes("WAVEfmt "));
        w.Write(16); w.Write((short)1); w.Write((short)1); w.Write(clip.SampleRateHz); w.Write(clip.SampleRateHz * 2); w.Write((short)2); w.Write((short)16);
        w.Write(Encoding.ASCII.GetBytes("data"));
        w.Write(clip.Samples.Length * 2);
        foreach (var x in clip.Samples) w.Write((short)Math.Round(Math.Clamp(x, -1f, 1f) * 32767));
        w.Flush();
        return stream.ToArray();
    }
}
