// Stage-by-stage cost of the CRNN audio road, one thread, one clip repeated:
//   RouteProfile profile <models folder> <wav> [repetitions (300)]
//   RouteProfile resample-hash <wav> <to rate Hz>      (SHA-256 of the resampled float32 samples)
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Audio;
using EmotionRecognition.Infrastructure.Native;

if (args is ["resample-hash", var path, var rate])
{
    var clip = AudioDecoding.ForLocalFiles.DecodeFile(path);
    var resampled = Resampler.Resample(clip.Samples, clip.SampleRateHz, int.Parse(rate));
    Console.WriteLine($"{Convert.ToHexString(SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(resampled.AsSpan())))} {resampled.Length}");
    return 0;
}
if (args is ["layers", var framesText, ..])
{
    // One member's layers at the shapes of a clip of this many frames (64 mel bands), random weights, one thread.
    TorchSharp.torch.set_num_threads(1);
    long f = long.Parse(framesText);
    int reps = args.Length > 2 ? int.Parse(args[2]) : 200;
    using var noGrad = TorchSharp.torch.no_grad();
    var x0 = TorchSharp.torch.randn(1, 1, 64, f);
    var w1 = TorchSharp.torch.randn(16, 1, 3, 3); var w2 = TorchSharp.torch.randn(32, 16, 3, 3); var w3 = TorchSharp.torch.randn(64, 32, 3, 3);
    var gru = TorchSharp.torch.nn.GRU(512 + 6, 64, batchFirst: true, bidirectional: true);
    gru.eval();
    var seq = TorchSharp.torch.randn(1, f / 8, 518);
    var xs = new[] { x0, TorchSharp.torch.randn(1, 16, 32, f / 2), TorchSharp.torch.randn(1, 32, 16, f / 4) };
    var ws = new[] { w1, w2, w3 };
    var names = new[] { "conv1 1->16", "conv2 16->32", "conv3 32->64", "bn+relu+pool x3", "GRU (bi, 64)", "softmax etc" };
    var acc = new List<double>[names.Length];
    for (int i = 0; i < acc.Length; i++) acc[i] = [];
    for (int r = -20; r < reps; r++)
    {
        for (int l = 0; l < 3; l++)
        {
            var sw = Stopwatch.StartNew();
            using var y = TorchSharp.torch.nn.functional.conv2d(xs[l], ws[l], padding: [1, 1]);
            if (r >= 0) acc[l].Add(sw.Elapsed.TotalMilliseconds);
        }
        var sw2 = Stopwatch.StartNew();
        for (int l = 0; l < 3; l++)
        {
            using var y = TorchSharp.torch.nn.functional.max_pool2d(TorchSharp.torch.nn.functional.relu(xs[l] * 1.5f + 0.1f), 2);
        }
        if (r >= 0) acc[3].Add(sw2.Elapsed.TotalMilliseconds);
        var sw3 = Stopwatch.StartNew();
        var (o, h) = gru.forward(seq);
        o.Dispose(); h.Dispose();
        if (r >= 0) acc[4].Add(sw3.Elapsed.TotalMilliseconds);
    }
    Console.WriteLine($"# one member's layers, {f} frames, {reps} repetitions, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
    for (int i = 0; i < 5; i++)
    {
        var sorted = acc[i].Order().ToArray();
        Console.WriteLine($"| {names[i]} | {sorted[sorted.Length / 2]:F3} ms |");
    }
    return 0;
}
if (args is not ["profile", var models, var wav, ..])
{
    Console.Error.WriteLine("usage: RouteProfile profile <models> <wav> [repetitions] | resample-hash <wav> <rate>");
    return 2;
}
int repetitions = args.Length > 3 ? int.Parse(args[3]) : 300;
GlibcHeap.KeepFreedMemory();
TorchSharp.torch.set_num_threads(1);
var set = new EmotionRecognition.Infrastructure.ModelSets.ModelStore(models).LoadCurrent();
var profile = set.Describe(NetworkType.Crnn).Profile;
var pipeline = FeaturePipeline.For(profile);
var logMelOnly = new FeaturePipeline(profile with { PitchRows = 0 });
var bytes = File.ReadAllBytes(wav);
var decoder = AudioDecoding.Create(new AudioLimits());

var stages = new[] { "decode", "resample", "log-mel", "pitch track", "sequence input", "functionals", "networks + mix", "JSON" };
var times = stages.ToDictionary(s => s, _ => new List<double>());
var whole = new List<double>();
int sequenceFrames = 0;
var cpu = Process.GetCurrentProcess();
TimeSpan cpuStart = TimeSpan.Zero;
for (int r = -20; r < repetitions; r++)
{
    if (r == 0)
    {
        cpu.Refresh();
        cpuStart = cpu.TotalProcessorTime;
    }
    var sw = Stopwatch.StartNew();
    long t0 = sw.ElapsedTicks;
    var clip = decoder.Decode(bytes);
    long t1 = sw.ElapsedTicks;
    var signal = Resampler.Resample(clip.Samples, clip.SampleRateHz, profile.SampleRateHz);
    long t2 = sw.ElapsedTicks;
    var at22 = new AudioClip(signal, profile.SampleRateHz);
    logMelOnly.Analyse(at22);
    long t3 = sw.ElapsedTicks;
    var analysis = pipeline.Analyse(at22);   // log-mel again plus the pitch track: the difference is the pitch track
    long t4 = sw.ElapsedTicks;
    var sequence = PitchFeatures.Prepare(analysis.LogMel, analysis.Pitch!, profile.FloorDb);
    sequenceFrames = sequence.Frames;
    long t5 = sw.ElapsedTicks;
    var functionals = ClipFunctionals.Compute(analysis.LogMel, analysis.Pitch!, floorDb: profile.FloorDb);
    long t6 = sw.ElapsedTicks;
    var probabilities = set.ClassifyAsync(NetworkType.Crnn, new SpeechSequence(sequence, functionals)).AsTask().GetAwaiter().GetResult();
    long t7 = sw.ElapsedTicks;
    var json = JsonSerializer.SerializeToUtf8Bytes(Emotions.InLabelOrder.Select((e, i) => new EmotionPrediction(e, probabilities[i])).ToArray());
    long t8 = sw.ElapsedTicks;
    // The road as the handler takes it, for a cross-check of the sum.
    var road = set.ClassifyAsync(NetworkType.Crnn, decoder.Decode(bytes)).AsTask().GetAwaiter().GetResult();
    long t9 = sw.ElapsedTicks;
    if (r < 0)
        continue;
    double Ms(long a, long b) => (b - a) * 1000.0 / Stopwatch.Frequency;
    times["decode"].Add(Ms(t0, t1));
    times["resample"].Add(Ms(t1, t2));
    times["log-mel"].Add(Ms(t2, t3));
    times["pitch track"].Add(Ms(t3, t4) - Ms(t2, t3));
    times["sequence input"].Add(Ms(t4, t5));
    times["functionals"].Add(Ms(t5, t6));
    times["networks + mix"].Add(Ms(t6, t7));
    times["JSON"].Add(Ms(t7, t8));
    whole.Add(Ms(t8, t9));
    if (!road.SequenceEqual(probabilities))
        throw new InvalidOperationException("The staged road and the handler's road disagree.");
}
cpu.Refresh();
double Median(List<double> v) { var s = v.Order().ToArray(); return s[s.Length / 2]; }
double P90(List<double> v) { var s = v.Order().ToArray(); return s[(int)(s.Length * 0.9)]; }
Console.WriteLine($"# {repetitions} repetitions of {Path.GetFileName(wav)} ({bytes.Length} bytes), set {set.Id} ({sequenceFrames} sequence frames), one torch thread, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
Console.WriteLine("| stage | median ms | p90 ms | share of the medians' sum |");
Console.WriteLine("|---|---:|---:|---:|");
double sum = stages.Sum(s => Median(times[s]));
foreach (var s in stages)
    Console.WriteLine($"| {s} | {Median(times[s]):F3} | {P90(times[s]):F3} | {100 * Median(times[s]) / sum:F0} % |");
Console.WriteLine($"| sum of the stage medians | {sum:F3} | | |");
Console.WriteLine($"| the handler's road (decode + ClassifyAsync), timed alone | {Median(whole):F3} | {P90(whole):F3} | |");
Console.WriteLine($"# process CPU per repetition (both roads): {(cpu.TotalProcessorTime - cpuStart).TotalMilliseconds / repetitions:F2} ms");
return 0;
