using System.Diagnostics;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;

namespace EmotionRecognition.Benchmarks;

/// <summary>
/// <c>clip [--batches B] [--seconds-per-batch S]</c>: the BenchmarkDotNet cases (compat and full,
/// 48 kHz and 22.05 kHz, one thread) timed in batches by both wall clock and process CPU time.
/// On a shared machine CPU time per operation is far steadier than wall time, because time
/// spent waiting for a core is not counted. Prints the median of each over B batches (default 9).
/// </summary>
internal static class ClipRun
{
    public static int Run(string[] args)
    {
        var batches = Option(args, "--batches", 9);
        var secondsPerBatch = Option(args, "--seconds-per-batch", 1);
        Console.WriteLine($"{batches} batches of about {secondsPerBatch} s each; one thread; {Environment.ProcessorCount} processor(s)");
        Console.WriteLine("| Method | Clip rate | Median wall | Median CPU |");
        Console.WriteLine("|--------|----------:|------------:|-----------:|");
        foreach (var rateHz in new[] { 48000, 22050 })
        {
            var clip = BenchmarkClips.At(rateHz);
            foreach (var profile in new[] { FeatureProfile.Compat, FeatureProfile.Full })
            {
                var pipeline = new FeaturePipeline(profile);
                Time(profile.Name, $"{rateHz} Hz", () => pipeline.MfccMean(pipeline.Analyse(clip)), batches, secondsPerBatch);
            }
        }

        // The resampler alone, the whole 3.7 s clip from 48 kHz to 22.05 kHz.
        var clip48 = BenchmarkClips.At(48000);
        Time("Resampler.Resample", "48000 Hz", () => Resampler.Resample(clip48.Samples, 48000, 22050), batches, secondsPerBatch);

        return 0;
    }

    private static void Time(string method, string rate, Action operation, int batches, int secondsPerBatch)
    {
        var warmUp = Stopwatch.StartNew();
        var operations = 0;
        while (warmUp.Elapsed.TotalSeconds < 0.5 || operations < 3)
        {
            operation();
            operations++;
        }

        var perBatch = Math.Max(1, (int)(operations / warmUp.Elapsed.TotalSeconds * secondsPerBatch));
        var wall = new List<double>();
        var cpu = new List<double>();
        var process = Process.GetCurrentProcess();
        for (var b = 0; b < batches; b++)
        {
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < perBatch; i++)
                operation();
            watch.Stop();
            process.Refresh();
            wall.Add(watch.Elapsed.TotalMilliseconds / perBatch);
            cpu.Add((process.TotalProcessorTime - cpuBefore).TotalMilliseconds / perBatch);
        }

        wall.Sort();
        cpu.Sort();
        Console.WriteLine($"| {method} | {rate} | {wall[batches / 2]:F3} ms | {cpu[batches / 2]:F3} ms |");
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], out var value) && value > 0 ? value : fallback;
    }
}
