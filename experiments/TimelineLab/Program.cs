// Long-recording test from our own actors: for each actor, one sentence per emotion (trimmed to its speech), joined in a
// random order with random pauses, under pink noise at several SNRs. Reports, per detector and SNR, how many true
// sentence boundaries have a detected boundary within 0.3 s, and, per network, how often a sentence's segment gets the
// same top emotion as the sentence's own file sent alone through the audio route (and the true label).
//   dotnet run -c Release --project experiments/TimelineLab -- ../shared/ravdess models [actors]
using System.Diagnostics;
using System.Globalization;
using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Application.Timeline;
using EmotionRecognition.Application.UseCases;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Classification;
using EmotionRecognition.Infrastructure.Configuration;
using EmotionRecognition.Infrastructure.Vad;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
if (args[0] == "bench-recording")
{
    await Bench.RecordingAsync(args[1], args[2]);
    return;
}
if (args[0] == "bench-stream")
{
    await Bench.StreamAsync(args[1], new Uri(args[2]), int.Parse(args[3]));
    return;
}
var ravdess = args[0];
var classifier = new ModelSetClassifier(new ModelsOptions { Path = Path.GetFullPath(args[1]), ReloadPollSeconds = 0 });
var actors = args.Length > 2 ? int.Parse(args[2]) : 20;
var models = classifier.Current;
var metrics = new PredictionMetrics();
var predictionOptions = new PredictionOptions();
var alone = new PredictFromAudioHandler(classifier, metrics, predictionOptions, new AudioDecoder(new EmotionRecognition.Infrastructure.Audio.FfmpegAudioDecoder(), new AudioLimits()));
// Environment overrides for sweeps: LAB_SPEECH / LAB_SILENCE (thresholds), LAB_ONLY=silero|energy, LAB_NOCLASSIFY=1.
var options = new SegmentationOptions();
if (Environment.GetEnvironmentVariable("LAB_SPEECH") is { } speechThreshold) options = options with { SpeechThreshold = float.Parse(speechThreshold) };
if (Environment.GetEnvironmentVariable("LAB_SILENCE") is { } silenceThreshold) options = options with { SilenceThreshold = float.Parse(silenceThreshold) };
if (Environment.GetEnvironmentVariable("LAB_BEFORE") is { } before) options = options with { PaddingBeforeSeconds = double.Parse(before) };
var classify = Environment.GetEnvironmentVariable("LAB_NOCLASSIFY") is null;
var only = Environment.GetEnvironmentVariable("LAB_ONLY");
Console.WriteLine($"thresholds {options.SpeechThreshold}/{options.SilenceThreshold}, padding {options.PaddingBeforeSeconds}/{options.PaddingAfterSeconds} s");
using var silero = new SileroVoiceActivityDetector();
var detectors = new (string Name, IVoiceActivityDetector Detector)[] { ("silero", silero), ("energy", new EnergyDetector()) }
    .Where(d => only is null || d.Name == only).ToArray();
double?[] snrs = [null, 20, 10, 5, 0];
NetworkType[] networks = [NetworkType.Crnn, NetworkType.Cnn, NetworkType.Dnn];

// The clips alone, once.
var recordings = Enumerable.Range(1, actors).Select(a => Recording.Build(ravdess, a, new Random(1000 + a))).ToArray();
var aloneTop = new Dictionary<(string, NetworkType), int>();
foreach (var recording in recordings)
foreach (var sentence in recording.Sentences)
foreach (var network in classify ? networks : [])
{
    var answer = await alone.Handle(new PredictFromAudio(NetworkName.Parse(network.Name()), File.ReadAllBytes(sentence.Path)), CancellationToken.None);
    aloneTop[(sentence.Path, network)] = ArgMax(answer.Select(p => p.Probability).ToArray());
}
foreach (var network in classify ? networks : [])
{
    var truth = recordings.SelectMany(r => r.Sentences).Count(s => aloneTop[(s.Path, network)] == s.Emotion);
    Console.WriteLine($"alone {network.Name()}: true label {truth}/{recordings.Sum(r => r.Sentences.Count)}");
}

Console.WriteLine("detector,snr_db,boundaries_within_0.3s,boundaries,extra_segments,segments,speech_covered,network,agree_with_alone,true_label,sentences,compat_window_agree,true_cut_agree");
foreach (var (name, detector) in detectors)
foreach (var snr in snrs)
{
    int hits = 0, boundaries = 0, segmentsTotal = 0, extra = 0, startHits = 0;
    var startError = new List<double>();
    var endError = new List<double>();
    double covered = 0, speech = 0;
    var agree = networks.ToDictionary(n => n, _ => 0);
    var correct = networks.ToDictionary(n => n, _ => 0);
    var compatAgree = networks.ToDictionary(n => n, _ => 0);
    var oracleAgree = networks.ToDictionary(n => n, _ => 0);
    int sentences = 0;
    var watch = Stopwatch.StartNew();
    foreach (var recording in recordings)
    {
        var audio = recording.WithNoise(snr, new Random(7 + recording.Actor));
        var found = new List<SegmentAudio>();
        using (var stream = new SpeechStream(detector, options, audio.SampleRateHz))
        {
            for (int start = 0; start < audio.Samples.Length; start += audio.SampleRateHz)
                found.AddRange(stream.Push(audio.Samples.AsSpan(start, Math.Min(audio.SampleRateHz, audio.Samples.Length - start))));
            found.AddRange(stream.Finish());
        }
        var finals = found.Where(f => !f.Event.IsPartial).ToArray();
        segmentsTotal += finals.Length;
        // The segments' edges as served (padding included) against the sentences' true bounds.
        var starts = finals.Select(f => f.Event.Segment.StartSeconds).ToArray();
        var ends = finals.Select(f => f.Event.Segment.EndSeconds).ToArray();
        foreach (var s in recording.Sentences)
        {
            boundaries += 2;
            if (starts.Any(t => Math.Abs(t - s.Start) <= 0.3)) { hits++; startHits++; }
            if (ends.Any(t => Math.Abs(t - s.End) <= 0.3)) hits++;
            if (starts.Length > 0) startError.Add(starts.MinBy(t => Math.Abs(t - s.Start)) - s.Start);
            if (ends.Length > 0) endError.Add(ends.MinBy(t => Math.Abs(t - s.End)) - s.End);
            speech += s.End - s.Start;
            covered += finals.Sum(f => Math.Max(0, Math.Min(f.Event.Segment.EndSeconds, s.End) - Math.Max(f.Event.Segment.StartSeconds, s.Start)));
        }
        extra += finals.Count(f => !recording.Sentences.Any(s => Overlap(f.Event.Segment, s) > 0));
        foreach (var s in classify ? recording.Sentences : [])
        {
            // The same noisy audio cut at the true sentence bounds (plus 0.1 s): what a perfect detector would give.
            var from = (int)Math.Max(0, (s.Start - 0.1) * audio.SampleRateHz);
            var to = (int)Math.Min(audio.Samples.Length, (s.End + 0.1) * audio.SampleRateHz);
            var trueCut = new AudioClip(audio.Samples[from..to], audio.SampleRateHz);
            foreach (var network in networks)
            {
                var top = ArgMax((await models.ClassifySegmentAsync(network, trueCut, CancellationToken.None)).Select(p => p.Probability).ToArray());
                if (top == aloneTop[(s.Path, network)]) oracleAgree[network]++;
            }
        }
        foreach (var s in classify ? recording.Sentences : [])
        {
            sentences++;
            var best = finals.OrderByDescending(f => Overlap(f.Event.Segment, s)).FirstOrDefault();
            if (best is null || Overlap(best.Event.Segment, s) <= 0)
                continue;
            foreach (var network in networks)
            {
                var top = ArgMax((await models.ClassifySegmentAsync(network, best.Clip, CancellationToken.None)).Select(p => p.Probability).ToArray());
                if (top == aloneTop[(s.Path, network)]) agree[network]++;
                if (top == s.Emotion) correct[network]++;
                if (network.TakesMfccVector())
                {
                    // The alternative: the compat window (1.0 to 3.5 s) inside the segment, as the audio route cuts a file.
                    try
                    {
                        if (ArgMax(await models.ClassifyAsync(network, best.Clip)) == aloneTop[(s.Path, network)]) compatAgree[network]++;
                    }
                    catch (Exception e) when (e is InvalidAudioException or ArgumentException or InvalidOperationException)
                    {
                        // A segment shorter than the window's offset has nothing in it: a miss.
                    }
                }
            }
        }
    }
    foreach (var network in networks)
        Console.WriteLine($"{name},{snr?.ToString() ?? "clean"},{hits},{boundaries},{extra},{segmentsTotal},{covered / speech:F3},{network.Name()},{agree[network]},{correct[network]},{sentences},{(network.TakesMfccVector() ? compatAgree[network].ToString() : "")},{oracleAgree[network]}");
    Console.Error.WriteLine($"{name} {snr?.ToString() ?? "clean"}: {watch.Elapsed.TotalSeconds:F1} s");
    Console.WriteLine($"# {name} {snr?.ToString() ?? "clean"}: starts within 0.3 s {startHits}/{boundaries / 2}, median start error {Median(startError):F2} s, median end error {Median(endError):F2} s");
}

static double Overlap(SpeechSegment a, Sentence s) => Math.Max(0, Math.Min(a.EndSeconds, s.End) - Math.Max(a.StartSeconds, s.Start));

static double Median(List<double> x) => x.Count == 0 ? double.NaN : x.Order().ElementAt(x.Count / 2);

static int ArgMax(float[] p)
{
    int best = 0;
    for (int i = 1; i < p.Length; i++) if (p[i] > p[best]) best = i;
    return best;
}

sealed record Sentence(string Path, int Emotion, double Start, double End);

sealed record Recording(int Actor, float[] Samples, int SampleRateHz, IReadOnlyList<Sentence> Sentences)
{
    /// <summary>One sentence per emotion in random order (random intensity, statement, repetition), 0.5-2.5 s pauses.</summary>
    public static Recording Build(string ravdess, int actor, Random random)
    {
        var samples = new List<float>();
        var sentences = new List<Sentence>();
        int rate = 0;
        foreach (var emotion in Enumerable.Range(1, 8).OrderBy(_ => random.Next()))
        {
            var intensity = emotion == 1 ? 1 : random.Next(1, 3);
            var path = System.IO.Path.Combine(ravdess, $"Actor_{actor:00}", $"03-01-{emotion:00}-{intensity:00}-{random.Next(1, 3):00}-{random.Next(1, 3):00}-{actor:00}.wav");
            var clip = WavReader.ReadFile(path);
            rate = clip.SampleRateHz;
            var pause = (int)((0.5 + 2 * random.NextDouble()) * rate);
            samples.AddRange(new float[pause]);
            var (start, end) = SpeechBounds(clip.Samples, rate);
            RavdessFileName.TryParse(path, out var name);
            sentences.Add(new Sentence(path, Emotions.InLabelOrder.ToList().IndexOf(name!.Emotion),
                (double)samples.Count / rate, (double)(samples.Count + end - start) / rate));
            samples.AddRange(clip.Samples[start..end]);
        }
        samples.AddRange(new float[rate]);
        return new Recording(actor, samples.ToArray(), rate, sentences);
    }

    /// <summary>First and last sample of 20-ms frames within 40 dB of the loudest one.</summary>
    private static (int, int) SpeechBounds(float[] x, int rate)
    {
        int frame = rate / 50;
        var energy = Enumerable.Range(0, x.Length / frame).Select(f => x.AsSpan(f * frame, frame).ToArray().Sum(v => (double)v * v)).ToArray();
        var threshold = energy.Max() * 1e-4;
        return (Array.FindIndex(energy, e => e > threshold) * frame, Math.Min(x.Length, (Array.FindLastIndex(energy, e => e > threshold) + 1) * frame));
    }

    /// <summary>The recording plus pink noise at <paramref name="snrDb"/> below the sentences' mean power (null: as is, a faint floor only).</summary>
    public AudioClip WithNoise(double? snrDb, Random random)
    {
        double speechPower = 0; long n = 0;
        foreach (var s in Sentences)
            for (long i = (long)(s.Start * SampleRateHz); i < (long)(s.End * SampleRateHz); i++) { speechPower += Samples[i] * Samples[i]; n++; }
        speechPower /= n;
        var noise = Pink(Samples.Length, random);
        var noisePower = noise.Sum(v => (double)v * v) / noise.Length;
        var gain = Math.Sqrt(speechPower / Math.Pow(10, (snrDb ?? 60) / 10) / noisePower);
        var mixed = new float[Samples.Length];
        for (int i = 0; i < mixed.Length; i++) mixed[i] = Math.Clamp(Samples[i] + (float)(gain * noise[i]), -1f, 1f);
        return new AudioClip(mixed, SampleRateHz);
    }

    /// <summary>Pink (1/f) noise: white noise through Paul Kellett's economy filter.</summary>
    private static float[] Pink(int count, Random random)
    {
        double b0 = 0, b1 = 0, b2 = 0;
        var y = new float[count];
        for (int i = 0; i < count; i++)
        {
            var white = random.NextDouble() * 2 - 1;
            b0 = 0.99765 * b0 + white * 0.0990460;
            b1 = 0.96300 * b1 + white * 0.2965164;
            b2 = 0.57000 * b2 + white * 1.0526913;
            y[i] = (float)(b0 + b1 + b2 + white * 0.1848);
        }
        return y;
    }
}

/// <summary>
/// The simple alternative: log energy of each 32-ms window against a tracked noise floor (falls at once,
/// rises 0.05 dB per window); speech probability a logistic of the margin, 0.5 at 9 dB above the floor.
/// </summary>
sealed class EnergyDetector : IVoiceActivityDetector
{
    public int SampleRateHz => 16000;
    public int WindowSamples => 512;
    public IVoiceActivitySession StartSession() => new Session();

    private sealed class Session : IVoiceActivitySession
    {
        private readonly List<float> _pending = [];
        private double _floorDb = double.NaN;

        public IReadOnlyList<float> Process(ReadOnlySpan<float> samples)
        {
            _pending.AddRange(samples.ToArray());
            var result = new List<float>();
            int used = 0;
            for (; used + 512 <= _pending.Count; used += 512)
            {
                double energy = 0;
                for (int i = used; i < used + 512; i++) energy += _pending[i] * _pending[i];
                var db = 10 * Math.Log10(energy / 512 + 1e-10);
                _floorDb = double.IsNaN(_floorDb) ? db : Math.Min(db, _floorDb + 0.05);
                result.Add((float)(1 / (1 + Math.Exp(-(db - _floorDb - 9) / 1.5))));
            }
            _pending.RemoveRange(0, used);
            return result;
        }

        public void Dispose() { }
    }
}
