using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;

namespace EmotionRecognition.Benchmarks;

/// <summary>
/// <c>corpus FOLDER [--threads N] [--repeat R] [--profile compat|full] [--dump FILE]</c>: reads and extracts every
/// *.wav under FOLDER (the work of the Trainer's <c>features</c> command) with one shared pipeline on
/// N threads (default 2), R times (default 5), and prints each run's wall and CPU time and the medians
/// (CPU time shows the work done even when other processes share the cores). The
/// first, untimed pass warms the JIT and the page cache; with --dump its vectors are written as
/// JSON lines <c>{"NAME.wav": [means…]}</c> (mfcc_numpy.py's output format) to compare with a reference.
/// </summary>
internal static class CorpusRun
{
    public static int Run(string[] args)
    {
        if (args.Length < 1 || !Directory.Exists(args[0]))
        {
            Console.Error.WriteLine("usage: corpus FOLDER [--threads N] [--repeat R] [--profile compat|full] [--dump FILE]");
            return 2;
        }

        var folder = args[0];
        var threads = Option(args, "--threads", 2);
        var repeat = Option(args, "--repeat", 5);
        var profileName = args.SkipWhile(a => a != "--profile").Skip(1).FirstOrDefault() ?? "compat";
        if (!FeatureProfile.TryGet(profileName, out var profile))
        {
            Console.Error.WriteLine($"unknown profile '{profileName}' (compat or full)");
            return 2;
        }

        var files = Directory.GetFiles(folder, "*.wav", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        var pipeline = new FeaturePipeline(profile);
        Console.WriteLine($"{files.Length} files, profile {profile.Name}, {threads} thread(s), {Environment.ProcessorCount} processor(s)");

        var warmUp = Extract(files, pipeline, threads, out var vectors);
        Console.WriteLine($"warm-up: {warmUp} failed");
        if (args.SkipWhile(a => a != "--dump").Skip(1).FirstOrDefault() is { } dumpPath)
        {
            File.WriteAllLines(dumpPath, files.Where(vectors.ContainsKey).Select(f =>
                JsonSerializer.Serialize(new Dictionary<string, float[]> { [Path.GetFileName(f)] = vectors[f] })));
        }

        var seconds = new List<double>();
        var cpuSeconds = new List<double>();
        var process = Process.GetCurrentProcess();
        for (var i = 0; i < repeat; i++)
        {
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            var failures = Extract(files, pipeline, threads, out _);
            watch.Stop();
            process.Refresh();
            var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
            seconds.Add(watch.Elapsed.TotalSeconds);
            cpuSeconds.Add(cpu);
            Console.WriteLine($"run {i + 1}: {watch.Elapsed.TotalSeconds:F3} s wall, {cpu:F3} s CPU ({failures} failed)");
        }

        seconds.Sort();
        cpuSeconds.Sort();
        var median = seconds[seconds.Count / 2];
        Console.WriteLine($"median {median:F3} s wall ({files.Length / median:F0} files/s), median {cpuSeconds[cpuSeconds.Count / 2]:F3} s CPU, over {repeat} runs");
        return 0;
    }

    private static int Extract(string[] files, FeaturePipeline pipeline, int threads, out ConcurrentDictionary<string, float[]> results)
    {
        var vectors = new ConcurrentDictionary<string, float[]>();
        var failures = 0;
        Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = threads }, file =>
        {
            try
            {
                vectors[file] = pipeline.MfccMean(pipeline.Analyse(WavReader.ReadFile(file)));
            }
            catch (InvalidAudioException)
            {
                Interlocked.Increment(ref failures);
            }
        });
        results = vectors;
        return failures;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], out var value) && value > 0 ? value : fallback;
    }
}
