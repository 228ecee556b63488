using System.Diagnostics;
using System.Globalization;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.ModelStore;
using EmotionRecognition.Trainer.Cli;
using EmotionRecognition.Trainer.Corpus;
using EmotionRecognition.Trainer.Sequence;
using EmotionRecognition.Trainer.Training;

EmotionRecognition.Infrastructure.Native.GlibcHeap.KeepFreedMemory();
// Usage: CrnnLab key=value ... (see the defaults below).
var a = args.Select(s => s.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
string S(string k, string d) => a.TryGetValue(k, out var v) ? v : d;
double D(string k, double d) => double.Parse(S(k, d.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
int I(string k, int d) => int.Parse(S(k, d.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

int seed = I("seed", 20180516);
var profile = FeatureProfile.Full with
{
    Name = "sequence", FftSize = I("nfft", 1024), HopLength = I("hop", 512), MelBands = I("mels", 64), CoefficientCount = 20,
};
// pitch=true: the network input is the 64 normalised mel rows plus PitchFeatures.Rows pitch rows (YIN F0 and periodicity),
// the network a pitch EmotionCrnn; mel shift and frequency masks stay on the mel rows, the absolute F0 row gets its own
// random shift of up to ± pitchshift= semitones.
bool pitch = S("pitch", "false") == "true";
var aug = new SequenceAugmentation(I("crop", 128), D("speed", 0.1), D("warp", 2), I("fmasks", 2), I("fwidth", 8), I("tmasks", 2), I("twidth", 12));
if (pitch) aug = aug with { MelRows = I("mels", 64), PitchShiftSemitones = D("pitchshift", 1) };
var opt = new SequenceTrainingOptions(I("epochs", 40), I("batch", 32), D("lr", 3e-3), D("wd", 1e-2), D("ls", 0.1), D("dropout", 0.3),
    S("balanced", "true") == "true", D("mixup", 0), I("warmup", 2), I("threads", 2), aug)
{
    Channels = S("channels", "16,32,64").Split(',').Select(int.Parse).ToArray(),
    Hidden = I("hidden", 64),
    AverageLastShare = D("average", 0),
    PitchRows = pitch ? PitchFeatures.Rows : 0,
    SpeakerAdversary = D("adversary", 0),
};
// trainval=true: the validation actors train too (only with average=N, which selects no epoch on them).
bool trainVal = S("trainval", "false") == "true";
if (S("stop", "") == "bench")
{
    TorchSharp.torch.set_num_threads(opt.Threads);
    using var mm = new EmotionRecognition.Infrastructure.Models.EmotionCrnn(profile.MelBands, 8, 0.3, opt.Channels, opt.Hidden);
    Console.WriteLine($"params {mm.parameters().Sum(p => p.numel())}");
    using var o = TorchSharp.torch.optim.AdamW(mm.parameters());
    var cpu = Process.GetCurrentProcess();
    for (int rep = 0; rep < 3; rep++)
    {
        var t0 = cpu.TotalProcessorTime; var w = Stopwatch.StartNew();
        for (int i = 0; i < 10; i++)
        {
            using var sc = TorchSharp.torch.NewDisposeScope();
            var x = TorchSharp.torch.randn(32, profile.MelBands, aug.CropFrames);
            o.zero_grad();
            var l = TorchSharp.torch.nn.functional.cross_entropy(mm.forward(x), TorchSharp.torch.zeros(32, dtype: TorchSharp.torch.int64));
            l.backward(); o.step();
        }
        cpu.Refresh();
        Console.WriteLine($"10 steps of 32: cpu {(cpu.TotalProcessorTime - t0).TotalSeconds:F2}s wall {w.Elapsed.TotalSeconds:F2}s");
    }
    return;
}
var foldsToRun = S("folds", "1,2,3,4,5").Split(',').Select(int.Parse).ToArray();
Console.WriteLine($"args: {string.Join(' ', args)}");
Console.WriteLine($"profile: {profile}");
Console.WriteLine($"options: {opt}");

if (S("stop", "") == "timing")
{
    // Inference time per clip as the Api pays it: WAV bytes -> ExtractSpeech (the served profile's sequence, pitch too, and the
    // clip's functionals) -> CRNN forward and the functionals mix, one torch thread, the served model set's CRNN. ExtractSequence
    // alone is timed on the same clips as the reference for what the functionals add. Usage: CrnnLab stop=timing models=models
    // data=../shared/ravdess clips=60
    TorchSharp.torch.set_num_threads(1);
    var served = new EmotionRecognition.Infrastructure.ModelStore.ModelStore(S("models", "models")).LoadCurrent();
    var seqProfile = served.Describe(NetworkType.Crnn).Profile;
    var pipe = new FeaturePipeline(seqProfile);
    var files = CorpusScan.Read(S("data", "/work/shared/ravdess"), false).Files.Take(I("clips", 60)).Select(f => File.ReadAllBytes(f.Path)).ToArray();
    var extractMs = new List<double>();
    var sequenceOnlyMs = new List<double>();
    var forwardMs = new List<double>();
    var frames = new List<int>();
    var proc = Process.GetCurrentProcess();
    proc.Refresh();
    var cpu0 = proc.TotalProcessorTime;
    var total = Stopwatch.StartNew();
    for (int pass = 0; pass < 2; pass++)
    {
        foreach (var bytes in files)
        {
            var reference = Stopwatch.StartNew();
            pipe.ExtractSequence(EmotionRecognition.Application.Audio.WavReader.Read(bytes));
            var t0 = reference.Elapsed.TotalMilliseconds;
            var sw = Stopwatch.StartNew();
            var speech = pipe.ExtractSpeech(EmotionRecognition.Application.Audio.WavReader.Read(bytes));
            var seq = speech.Sequence;
            var t1 = sw.Elapsed.TotalMilliseconds;
            served.PredictSequence(NetworkType.Crnn, seq, speech.Functionals);
            var t2 = sw.Elapsed.TotalMilliseconds;
            if (pass == 1)
            {
                sequenceOnlyMs.Add(t0);
                extractMs.Add(t1);
                forwardMs.Add(t2 - t1);
                frames.Add(seq.Frames);
            }
        }
    }
    proc.Refresh();
    double Median(List<double> v) { var o = v.Order().ToArray(); return o[o.Length / 2]; }
    double P90(List<double> v) { var o = v.Order().ToArray(); return o[o.Length * 9 / 10]; }
    Console.WriteLine($"model set {served.Id}, {files.Length} clips (second of two passes timed), median {frames.Order().ElementAt(frames.Count / 2)} frames after trimming");
    Console.WriteLine($"features (WAV -> ExtractSpeech):      median {Median(extractMs):F1} ms, p90 {P90(extractMs):F1} ms");
    Console.WriteLine($"  reference, ExtractSequence alone:  median {Median(sequenceOnlyMs):F1} ms, p90 {P90(sequenceOnlyMs):F1} ms");
    Console.WriteLine($"CRNN forward + functionals mix:      median {Median(forwardMs):F1} ms, p90 {P90(forwardMs):F1} ms");
    var sum = extractMs.Zip(forwardMs, (x, y) => x + y).ToList();
    Console.WriteLine($"per clip total:                      median {Median(sum):F1} ms, p90 {P90(sum):F1} ms");
    Console.WriteLine($"process CPU {(proc.TotalProcessorTime - cpu0).TotalSeconds:F1} s over {total.Elapsed.TotalSeconds:F1} s wall for {2 * files.Length} clips");
    return;
}
if (S("stop", "") == "ensemble")
{
    // Averages the test probabilities of several cross-validation runs (out= folders of runs with different seedoffset=).
    // Usage: CrnnLab stop=ensemble runs=/work/exp/a,/work/exp/b
    var dirs = S("runs", "").Split(',');
    var truthE = new List<int>(); var predE = new List<int>(); var accE = new List<double>();
    for (int f = 1; f <= 5; f++)
    {
        var (truth, pred) = EnsembleFold(dirs, f, S("fcv", ""), D("fweight", 0));
        accE.Add(pred.Zip(truth).Count(z => z.First == z.Second) / (double)truth.Length);
        truthE.AddRange(truth); predE.AddRange(pred);
    }
    var pooledE = ClassificationMetrics.From(truthE, predE, Emotions.Count);
    var sdE = Math.Sqrt(accE.Sum(x => (x - accE.Average()) * (x - accE.Average())) / (accE.Count - 1));
    Console.WriteLine($"ENSEMBLE of {dirs.Length}: mean acc {accE.Average():F4} ± {sdE:F4} (folds {string.Join(" ", accE.Select(x => x.ToString("F3")))}) pooled acc {pooledE.Accuracy:F4} f1 {pooledE.MacroF1:F4}");
    Console.WriteLine("confusion (rows truth, label order): " + string.Join(" | ", pooledE.ConfusionMatrix.Select(r => string.Join(",", r))));
    return;
}
if (S("stop", "") == "assemble")
{
    // Adds the CRNN (final weights + 5-fold results written by `final=true` and `out=`) to a CNN/DNN set saved by `train`,
    // as a new set in the same store, with the report regenerated to include it. Same code path and seeds as `train`
    // with [crnn] enabled, which reproduces it in one run.
    var store = new EmotionRecognition.Infrastructure.ModelStore.ModelStore(S("models", "models"));
    var baseId = S("base", store.ReadPointer() ?? throw new InvalidOperationException("no base set"));
    var baseManifest = store.ReadManifest(baseId);
    var baseFolder = Path.Combine(store.Root, baseId);
    // cv= lists the cross-validation runs of the members (comma-separated out= folders); each fold's test clips are
    // classified by the mean of the members' probabilities, as the served ensemble does.
    var cvDirs = S("cv", "/tmp/crnn/cv").Split(',');
    var folds = Enumerable.Range(1, 5).Select(f => System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(cvDirs[0], $"fold{f}.json"))).RootElement).ToArray();
    int[] Ints(System.Text.Json.JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(x => x.GetInt32()).ToArray();
    var predictions = Enumerable.Range(1, 5).Select(f => EnsembleFold(cvDirs, f, S("fcv", ""), D("fweight", 0)).Predicted).ToArray();
    var perFold = folds.Select((f, i) => ClassificationMetrics.From(Ints(f, "truth"), predictions[i], Emotions.Count)).ToArray();
    var pooledAll = ClassificationMetrics.From(folds.SelectMany(f => Ints(f, "truth")).ToArray(), predictions.SelectMany(p => p).ToArray(), Emotions.Count);
    var allActors = Enumerable.Range(1, 20).ToArray();
    var actorFolds = folds.Select(f => new ActorFold(f.GetProperty("fold").GetInt32(), Ints(f, "testActors"), Ints(f, "validationActors"),
        allActors.Except(Ints(f, "testActors")).Except(Ints(f, "validationActors")).ToArray())).ToArray();
    // testshifts= (e.g. -1,0,1): served averaging over those mel shifts, as stop=infer's "cyclicshift" variant classifies
    // (cv= must then name those variants' folders).
    IReadOnlyList<double>? testShifts = S("testshifts", "") is { Length: > 0 } shiftText
        ? shiftText.Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray() : null;
    // functionals= (a stop=functionals save= file, fitted on all actors) with fcv= and fweight=: the served mix.
    EmotionRecognition.Infrastructure.Models.FunctionalsModel? functionalsModel = S("functionals", "") is { Length: > 0 } functionalsFile
        ? System.Text.Json.JsonSerializer.Deserialize<EmotionRecognition.Infrastructure.Models.FunctionalsModel>(File.ReadAllText(functionalsFile))
        : null;
    if ((functionalsModel is null) != (S("fcv", "") == "") || (functionalsModel is not null && functionalsModel.Weight != D("fweight", 0)))
        throw new ArgumentException("functionals= needs fcv= (its cross-validation) and fweight= equal to the model's weight, and neither goes without it.");
    var crnnMetrics = new CrossValidatedMetrics(SequenceCrossValidation.Protocol(allActors, actorFolds,
            opt with { TestMelShifts = testShifts ?? [], FunctionalsWeight = functionalsModel?.Weight ?? 0, FunctionalsL2 = functionalsModel?.L2 ?? 0 }), 5, pooledAll,
        perFold.Select(m => m.Accuracy).ToArray(), perFold.Select(m => m.MacroF1).ToArray());
    // final= lists one weights file per ensemble member (comma-separated, in member-seed order).
    var finalFiles = S("final", "/tmp/crnn/final-crnn.bin").Split(',');
    var finalInfo = System.Text.Json.JsonDocument.Parse(File.ReadAllText(finalFiles[0] + ".json")).RootElement;
    var run = new TrainingRun(Ints(finalInfo, "trainingActors"), Ints(finalInfo, "validationActors"), finalInfo.GetProperty("examples").GetInt32(),
        finalInfo.GetProperty("bestEpoch").GetInt32(), finalInfo.GetProperty("epochsRun").GetInt32());
    var networks = new List<TrainedNetwork>();
    // The base set's own CRNN (if any) is replaced by the one assembled here.
    foreach (var entry in baseManifest.Networks.Where(e => e.Network != NetworkType.Crnn.Name()))
    {
        NetworkTypes.TryParse(entry.Network, out var nt);
        var module = EmotionRecognition.Infrastructure.Models.NetworkArchitectures.Create(nt, entry.Architecture, entry.InputSize, Emotions.Count);
        module.load(Path.Combine(baseFolder, entry.WeightsFile));
        networks.Add(new TrainedNetwork(nt, entry.Architecture, module, entry.Standardization, entry.Training, entry.Metrics, entry.Profile));
    }
    // pitch=true: the final= files are pitch EmotionCrnn state dicts (saved by final=true pitch=true), served with the
    // sequence-pitch profile; otherwise EmotionCrnn ones with the sequence profile. NetworkArchitectures builds the module
    // the Api will build from the manifest, so a file that would not load there fails here.
    // kinds= (optional): pitch or plain per final= file, for a mixed ensemble; any pitch member makes the input sequence-pitch
    // (plain members read its mel rows).
    var kinds = S("kinds", "") is { Length: > 0 } kindText
        ? kindText.Split(',').Select(k => k == "pitch").ToArray()
        : finalFiles.Select(_ => pitch).ToArray();
    if (kinds.Length != finalFiles.Length) throw new ArgumentException("kinds= needs one entry per final= file");
    var crnnProfile = kinds.Any(k => k) ? FeatureProfile.SequencePitch : FeatureProfile.Sequence;
    var memberArchitectures = kinds.Select(k => k
        ? EmotionRecognition.Infrastructure.Models.EmotionCrnn.PitchArchitectureName : EmotionRecognition.Infrastructure.Models.EmotionCrnn.ArchitectureName).ToArray();
    var members = finalFiles.Select((file, i) =>
    {
        var m = (EmotionRecognition.Infrastructure.Models.EmotionCrnn)EmotionRecognition.Infrastructure.Models.NetworkArchitectures.Create(NetworkType.Crnn, memberArchitectures[i], crnnProfile.MelBands, Emotions.Count);
        m.load(file);
        return m;
    }).ToArray();
    TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> crnnModule = members.Length == 1 ? members[0]
        : new EmotionRecognition.Infrastructure.Models.EmotionCrnnEnsemble(members);
    var crnnArchitecture = members.Length == 1
        ? memberArchitectures[0] : ((EmotionRecognition.Infrastructure.Models.EmotionCrnnEnsemble)crnnModule).Architecture;
    // Served repeating short clips up to the training window, as `train` evaluates them and as stop=infer's "cyclic" variant
    // classifies them: cv= must name those variants' folders (a CV run's own fold*.json repeat clips only to MinFrames).
    // window=none: served repeating clips only to MinFrames, as a CV run's own fold*.json classified them (the shipped sets).
    int? window = S("window", "crop") == "none" ? null : aug.CropFrames;
    networks.Add(new TrainedNetwork(NetworkType.Crnn, crnnArchitecture, crnnModule, null, run, crnnMetrics, crnnProfile, window, testShifts, functionalsModel));
    var jsonOptions = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web);
    var baseReport = System.Text.Json.JsonSerializer.Deserialize<EmotionRecognition.Trainer.Reports.TrainingReport>(
        File.ReadAllText(Path.Combine(baseFolder, EmotionRecognition.Trainer.Reports.ReportWriter.JsonFile)), jsonOptions)!;
    var newId = store.Save(new ModelSetDraft(baseManifest.Seed, baseManifest.DataFingerprint, baseManifest.Profile, networks), (folder, id) =>
    {
        var report = baseReport with
        {
            SetId = id,
            CreatedAt = DateTimeOffset.UtcNow,
            CrossValidation = new Dictionary<string, CrossValidatedMetrics>(baseReport.CrossValidation) { ["CRNN"] = crnnMetrics },
            FinalModels = new Dictionary<string, TrainingRun>(baseReport.FinalModels) { ["CRNN"] = run },
        };
        EmotionRecognition.Trainer.Reports.ReportWriter.Write(folder, report);
    });
    foreach (var n in networks) n.Module.Dispose();
    Console.WriteLine($"saved set {newId} = {baseId} + CRNN; CRNN pooled accuracy {pooledAll.Accuracy:F4}, macro-F1 {pooledAll.MacroF1:F4}, fold mean {crnnMetrics.AccuracyMean:F4}");
    return;
}
if (S("stop", "") == "pitchstats")
{
    // The tracker alone, one thread: time per clip on the resampled signal (decoding and resampling excluded, reported
    // apart), share of voiced frames inside the log-mel's speech span, median F0 of two actors' voiced frames.
    // Usage: CrnnLab stop=pitchstats data=/work/shared/ravdess clips=100 actors=1,2
    var tracker = new PitchTracker(profile, threshold: D("yin", PitchTracker.DefaultThreshold));
    var pipe = new FeaturePipeline(profile);
    var all = CorpusScan.Read(S("data", "/work/shared/ravdess"), false).Files;
    int every = Math.Max(1, all.Count / I("clips", 100));
    var sample = all.Where((_, i) => i % every == 0).Take(I("clips", 100)).ToArray();
    var trackMs = new List<double>(); var prepMs = new List<double>(); long voicedFrames = 0, spanFrames = 0; var secs = new List<double>();
    for (int pass = 0; pass < 2; pass++)
    {
        foreach (var f in sample)
        {
            var sw0 = Stopwatch.StartNew();
            var clip = EmotionRecognition.Application.Audio.WavReader.Read(File.ReadAllBytes(f.Path));
            var signal = pipe.AnalysedSignal(clip);
            var tPrep = sw0.Elapsed.TotalMilliseconds;
            var sw1 = Stopwatch.StartNew();
            var track = tracker.Track(signal.Span);
            var tTrack = sw1.Elapsed.TotalMilliseconds;
            if (pass == 0) continue; // the first pass warms up the JIT
            trackMs.Add(tTrack); prepMs.Add(tPrep); secs.Add(clip.DurationSeconds);
            var (start, count) = SequenceFeatures.SpeechSpan(pipe.ExtractLogMel(signal.Span));
            for (int t = start; t < start + count; t++) voicedFrames += track.IsVoiced(t) ? 1 : 0;
            spanFrames += count;
        }
    }
    double Med(IEnumerable<double> v) { var o = v.Order().ToArray(); return o.Length == 0 ? double.NaN : o[o.Length / 2]; }
    Console.WriteLine($"tracker on {sample.Length} clips (median {Med(secs):F2} s): median {Med(trackMs):F2} ms, max {trackMs.Max():F2} ms per clip; " +
        $"decode+resample median {Med(prepMs):F2} ms; voiced share of trimmed frames {(double)voicedFrames / spanFrames:P1}");
    foreach (var actor in S("actors", "1,2").Split(',').Select(int.Parse))
    {
        var f0s = new List<double>();
        var perClip = new List<double>();
        foreach (var f in all.Where(f => f.Name.Actor == actor))
        {
            var signal = pipe.AnalysedSignal(EmotionRecognition.Application.Audio.WavReader.Read(File.ReadAllBytes(f.Path)));
            var track = tracker.Track(signal.Span);
            var (start, count) = SequenceFeatures.SpeechSpan(pipe.ExtractLogMel(signal.Span));
            var clipF0 = Enumerable.Range(start, count).Where(track.IsVoiced).Select(t => (double)track.F0Hz[t]).ToList();
            f0s.AddRange(clipF0);
            if (clipF0.Count > 0) perClip.Add(Med(clipF0));
        }
        var o = f0s.Order().ToArray();
        Console.WriteLine($"actor {actor:D2}: {perClip.Count} clips, median F0 {Med(f0s):F1} Hz over voiced frames (p10 {o[o.Length / 10]:F1}, p90 {o[o.Length * 9 / 10]:F1}); " +
            $"median of clip medians {Med(perClip):F1} Hz");
    }
    return;
}
var progress = new PlainProgress(Console.Out);
var scan = CorpusScan.Read(S("data", "/work/shared/ravdess"), includeSong: false);
SequenceSet set;
if (pitch)
{
    // The log-mel from (or into) the ordinary log-mel cache, the pitch track from (or into) its own folder beside it;
    // a clip missing either is decoded and resampled once for both.
    var cacheRoot = S("cache", "/work/wt-crnn/.cache/features");
    var melCache = new SequenceFeatureCache(cacheRoot, profile);
    var tracker = new PitchTracker(profile, threshold: D("yin", PitchTracker.DefaultThreshold));
    var pitchCache = new PitchTrackCache(cacheRoot, profile, tracker);
    var pipe = new FeaturePipeline(profile);
    var read = ParallelClipReader.Read(scan, progress, "Sequence and pitch features", (file, bytes, hash) =>
    {
        bool melHit = melCache.TryGet(hash, out var logMel);
        bool pitchHit = pitchCache.TryGet(hash, out var track);
        if (!melHit || !pitchHit)
        {
            var signal = pipe.AnalysedSignal(EmotionRecognition.Application.Audio.WavReader.Read(bytes));
            if (!melHit) { logMel = pipe.ExtractLogMel(signal.Span); melCache.Put(hash, logMel); }
            if (!pitchHit) { track = tracker.Track(signal.Span); pitchCache.Put(hash, track); }
        }
        return (new SequenceClip(file.Path, file.Name, hash, PitchFeatures.Prepare(logMel, track), ClipFunctionals.Compute(logMel, track),
            S("fperturb", "true") == "true" ? FunctionalsTrainer.Perturbed(logMel, track) : null), melHit && pitchHit);
    }, default);
    set = new SequenceSet(read.Clips, read.Skipped, read.CacheHits, read.Extracted);
    Console.WriteLine($"pitch cache: {pitchCache.Folder}");
    if (S("norm", "utterance") == "global") throw new ArgumentException("pitch=true works with norm=utterance only.");
}
else
{
    set = new SequenceFeatureReader(profile, S("cache", "/work/wt-crnn/.cache/features")).Read(scan, progress, default);
}
Console.WriteLine($"clips {set.Clips.Count}, hits {set.CacheHits}, extracted {set.Extracted}, skipped {set.Skipped.Count - scan.Skipped.Count}");
if (S("norm", "utterance") == "global")
{
    // Ablation: trimmed log-mel without per-utterance normalisation; each fold standardises every band with
    // the mean and standard deviation of its own training actors' frames (below).
    var rawCache = new SequenceFeatureCache(S("cache", "/work/wt-crnn/.cache/features"), profile);
    set = set with
    {
        Clips = set.Clips.Select(c => rawCache.TryGet(c.ContentHash, out var raw) ? c with { Features = SequenceFeatures.Trim(raw) } : throw new InvalidOperationException(c.Path)).ToArray(),
    };
}
var lengths = set.Clips.Select(c => c.Features.Frames).Order().ToArray();
Console.WriteLine($"trimmed frames: min {lengths[0]} p10 {lengths[lengths.Length / 10]} median {lengths[lengths.Length / 2]} p90 {lengths[lengths.Length * 9 / 10]} max {lengths[^1]}");
if (S("stop", "") == "features") return;

var actors = set.Actors.ToArray();
if (S("stop", "") == "tta")
{
    if (pitch) throw new ArgumentException("stop=tta reads EmotionCrnn networks and shifts every row; it is not pitch-aware.");
    // Test-time averaging, inference only: each fold's saved networks (savefolds= folders of several seeds) classify every
    // test clip read at several speeds and mel shifts; the mean probability over networks (and variants) decides.
    // Usage: CrnnLab stop=tta models=/work/exp/a-models,/work/exp/b-models speeds=0.9,1,1.1 shifts=-1,0,1
    var modelDirs = S("models", "").Split(',');
    var speeds = S("speeds", "1").Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
    var shifts = S("shifts", "0").Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
    var ttaFolds = ActorSplits.Folds(actors, 5, seed);
    var accPlain = new List<double>(); var accTta = new List<double>();
    var truthT = new List<int>(); var predT = new List<int>();
    foreach (var f in foldsToRun)
    {
        var tst = LabeledSequences.From(set.Clips.Where(c => ttaFolds[f - 1].Contains(c.Actor)));
        var plain = new double[tst.Count, Emotions.Count];
        var tta = new double[tst.Count, Emotions.Count];
        foreach (var dir in modelDirs)
        {
            using var net = new EmotionRecognition.Infrastructure.Models.EmotionCrnn(profile.MelBands, Emotions.Count, 0.3, opt.Channels, opt.Hidden);
            net.load(Path.Combine(dir, $"fold{f}.bin"));
            var p0 = SequenceTrainer.PredictProbabilities(net, tst.Features);
            for (int i = 0; i < tst.Count; i++) for (int c = 0; c < Emotions.Count; c++) plain[i, c] += p0[i][c];
            foreach (var sp in speeds) foreach (var sh in shifts)
            {
                var pv = SequenceTrainer.PredictProbabilities(net, tst.Features.Select(m => Variant(m, sp, sh)).ToArray());
                for (int i = 0; i < tst.Count; i++) for (int c = 0; c < Emotions.Count; c++) tta[i, c] += pv[i][c];
            }
        }
        int[] Decide(double[,] p) => Enumerable.Range(0, tst.Count).Select(i => Enumerable.Range(0, Emotions.Count).MaxBy(c => p[i, c])).ToArray();
        var dp = Decide(plain); var dt = Decide(tta);
        accPlain.Add(dp.Zip(tst.Classes).Count(z => z.First == z.Second) / (double)tst.Count);
        accTta.Add(dt.Zip(tst.Classes).Count(z => z.First == z.Second) / (double)tst.Count);
        truthT.AddRange(tst.Classes); predT.AddRange(dt);
        Console.WriteLine($"fold {f}: plain {accPlain[^1]:F3} tta {accTta[^1]:F3}");
    }
    var pooledT = ClassificationMetrics.From(truthT, predT, Emotions.Count);
    Console.WriteLine($"TTA {modelDirs.Length} nets speeds [{S("speeds", "1")}] shifts [{S("shifts", "0")}]: plain {accPlain.Average():F4} tta {accTta.Average():F4} " +
        $"(folds {string.Join(" ", accTta.Select(x => x.ToString("F3")))}) tta f1 {pooledT.MacroF1:F4}");
    return;
}
if (S("stop", "") == "functionals")
{
    // The functionals model (ClipFunctionals + FunctionalsTrainer) cross-validated on the same folds: each fold fits it on all
    // of its non-test actors and writes its test probabilities to out=<folder>/foldN.json like a CRNN run, so stop=ensemble
    // and assemble can mix them (fweight=). pitch=true. Usage: CrnnLab pitch=true stop=functionals l2=0.3 out=/work/exp/func
    if (!pitch) throw new ArgumentException("stop=functionals needs pitch=true: the functionals include pitch statistics.");
    var foldsF = ActorSplits.Folds(actors, 5, seed);
    var accF = new List<double>();
    if (S("dump", "") is { Length: > 0 } dumpPath)
        File.WriteAllText(dumpPath, System.Text.Json.JsonSerializer.Serialize(new
        {
            actors = set.Clips.Select(c => c.Actor), classes = set.Clips.Select(c => (int)c.Emotion), x = set.Clips.Select(c => c.Functionals),
        }));
    foreach (var f in foldsToRun)
    {
        var train = set.Clips.Where(c => !foldsF[f - 1].Contains(c.Actor)).ToArray();
        var tst = set.Clips.Where(c => foldsF[f - 1].Contains(c.Actor)).ToArray();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        // The product's fit (FunctionalsTrainer.Fit of clips): each clip as it is and perturbed (fperturb=false: as it is only).
        var model = FunctionalsTrainer.Fit(train, opt with { FunctionalsWeight = 0.5, FunctionalsL2 = D("l2", 0.3) })!;
        var probs = tst.Select(c => model.Probabilities(c.Functionals!)).ToArray();
        var truth = tst.Select(c => (int)c.Emotion).ToArray();
        var pred = probs.Select(p => Array.IndexOf(p, p.Max())).ToArray();
        accF.Add(pred.Zip(truth).Count(z => z.First == z.Second) / (double)truth.Length);
        var folder = S("out", "/tmp/functionals");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, $"fold{f}.json"), System.Text.Json.JsonSerializer.Serialize(new
        {
            fold = f, testActors = foldsF[f - 1], truth, predicted = pred, probabilities = probs,
        }));
        Console.WriteLine($"fold {f}: functionals {accF[^1]:F3} ({sw.Elapsed.TotalSeconds:F1} s to fit)");
    }
    Console.WriteLine($"FUNCTIONALS l2 {D("l2", 0.3)}: {accF.Average():F4} (folds {string.Join(" ", accF.Select(x => x.ToString("F3")))})");
    if (S("save", "") is { Length: > 0 } modelPath)
    {
        // The served model: fitted on every actor, with the mix weight fweight=, for assemble's functionals=.
        var all = set.Clips;
        var finalModel = FunctionalsTrainer.Fit(all, opt with { FunctionalsWeight = D("fweight", 0.25), FunctionalsL2 = D("l2", 0.3) })!;
        File.WriteAllText(modelPath, System.Text.Json.JsonSerializer.Serialize(finalModel));
        Console.WriteLine($"final functionals model ({all.Count} clips, weight {finalModel.Weight}) -> {modelPath}");
    }
    return;
}
if (S("stop", "") == "infer")
{
    // Inference variants of one run's saved fold networks (savefolds=), pitch-aware: plain whole clips; clips shorter than
    // the training window repeated cyclically up to it (as training windows read them, "cyclic"); the mean over mel shifts=
    // (mel rows only, "shift"); both ("cyclicshift"). Each variant's test probabilities go to out=<folder>-<variant>/foldN.json, in the format of a
    // cross-validation run, so ens.py can combine them with other runs. Usage: CrnnLab stop=infer pitch=true
    // models=/work/exp/nets-x out=/work/exp/x shifts=-1,0,1
    var netDir = S("models", "");
    var shiftsI = S("shifts", "-1,0,1").Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
    int melRows = profile.MelBands;
    var foldsI = ActorSplits.Folds(actors, 5, seed);
    // Each variant classifies exactly as a served set with that window and those mel shifts would (EmotionCrnn.Probabilities).
    int minFrames = EmotionRecognition.Infrastructure.Models.EmotionCrnn.MinFrames;
    var variants = new Dictionary<string, (int Window, IReadOnlyList<double>? Shifts)>
    {
        ["plain"] = (minFrames, null),
        ["cyclic"] = (aug.CropFrames, null),
        ["shift"] = (minFrames, shiftsI),
        ["cyclicshift"] = (aug.CropFrames, shiftsI),
    };
    var accs = variants.Keys.ToDictionary(k => k, _ => new List<double>());
    foreach (var f in foldsToRun)
    {
        var tst = LabeledSequences.From(set.Clips.Where(c => foldsI[f - 1].Contains(c.Actor)));
        using var net = new EmotionRecognition.Infrastructure.Models.EmotionCrnn(profile.MelBands, Emotions.Count, 0.3, opt.Channels, opt.Hidden, opt.PitchRows);
        net.load(Path.Combine(netDir, $"fold{f}.bin"));
        foreach (var (name, (window, shifts)) in variants)
        {
            var probs = SequenceTrainer.PredictProbabilities(net, tst.Features, window, shifts, melRows);
            var pred = probs.Select(p => Array.IndexOf(p, p.Max())).ToArray();
            accs[name].Add(pred.Zip(tst.Classes).Count(z => z.First == z.Second) / (double)tst.Count);
            var folder = S("out", "/tmp/infer") + "-" + name;
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, $"fold{f}.json"), System.Text.Json.JsonSerializer.Serialize(new
            {
                fold = f, testActors = foldsI[f - 1], truth = tst.Classes, predicted = pred, probabilities = probs,
            }));
        }
        Console.WriteLine($"fold {f}: " + string.Join(" ", accs.Select(kv => $"{kv.Key} {kv.Value[^1]:F3}")));
    }
    Console.WriteLine("INFER " + string.Join(" | ", accs.Select(kv => $"{kv.Key} {kv.Value.Average():F4}")));
    return;
}
if (S("final", "") == "true")
{
    // The final network exactly as `train` fits it: validation actors ActorSplits.Validation(all, 2, seed), the rest train, run seed.
    var finalValidation = ActorSplits.Validation(actors, I("val", 2), seed);
    var finalTrain = LabeledSequences.From(set.Clips.Where(c => trainVal || !finalValidation.Contains(c.Actor)));
    var finalVal = LabeledSequences.From(set.Clips.Where(c => finalValidation.Contains(c.Actor)));
    var finalFit = SequenceTrainer.Fit(finalTrain, finalVal, opt, seed + I("seedoffset", 0), default);
    using (finalFit.Module)
    {
        finalFit.Module.save(S("save", "/tmp/crnn/final-crnn.bin"));
    }
    File.WriteAllText(S("save", "/tmp/crnn/final-crnn.bin") + ".json", System.Text.Json.JsonSerializer.Serialize(new
    {
        trainingActors = trainVal ? actors : actors.Except(finalValidation).ToArray(), validationActors = trainVal ? [] : finalValidation, examples = finalTrain.Count,
        bestEpoch = finalFit.BestEpoch, epochsRun = finalFit.EpochsRun, validationAccuracy = finalFit.BestValidationAccuracy, finalFit.SecondsPerEpoch,
    }));
    Console.WriteLine($"final: best epoch {finalFit.BestEpoch} of {finalFit.EpochsRun}, validation accuracy {finalFit.BestValidationAccuracy:F3}, {finalFit.SecondsPerEpoch:F1} s/epoch");
    return;
}
var testFolds = ActorSplits.Folds(actors, 5, seed);
var truthAll = new List<int>();
var predAll = new List<int>();
var foldAcc = new List<double>();
var foldF1 = new List<double>();
var lastAcc = new List<double>();
foreach (var f in foldsToRun)
{
    var test = testFolds[f - 1];
    var rest = actors.Except(test).ToArray();
    var validation = ActorSplits.Validation(rest, I("val", 2), seed + f);
    var train = LabeledSequences.From(set.Clips.Where(c => rest.Contains(c.Actor) && (trainVal || !validation.Contains(c.Actor))));
    var val = LabeledSequences.From(set.Clips.Where(c => validation.Contains(c.Actor)));
    var tst = LabeledSequences.From(set.Clips.Where(c => test.Contains(c.Actor)));
    if (S("norm", "utterance") == "global")
    {
        int bands = profile.MelBands;
        var mean = new double[bands];
        var sq = new double[bands];
        long n = 0;
        foreach (var m in train.Features)
        {
            for (int b = 0; b < bands; b++) foreach (var v in m.Row(b)) { mean[b] += v; sq[b] += (double)v * v; }
            n += m.Frames;
        }
        var std = new double[bands];
        for (int b = 0; b < bands; b++) { mean[b] /= n; std[b] = Math.Max(1.0, Math.Sqrt(sq[b] / n - mean[b] * mean[b])); }
        FeatureMatrix Z(FeatureMatrix m)
        {
            var v = new float[m.Coefficients * m.Frames];
            for (int b = 0; b < bands; b++) for (int t = 0; t < m.Frames; t++) v[b * m.Frames + t] = (float)((m[b, t] - mean[b]) / std[b]);
            return new FeatureMatrix(m.Coefficients, m.Frames, v);
        }
        train = train with { Features = train.Features.Select(Z).ToArray() };
        val = val with { Features = val.Features.Select(Z).ToArray() };
        tst = tst with { Features = tst.Features.Select(Z).ToArray() };
    }
    var curve = new List<string>();
    double last = 0;
    float[][]? lastProbs = null;
    var sw = Stopwatch.StartNew();
    var fit = SequenceTrainer.Fit(train, val, opt, seed + f + I("seedoffset", 0), default, (epoch, m) =>
    {
        if (epoch % I("every", 5) == 0 || epoch == opt.Epochs || epoch == 1)
        {
            var probsNow = SequenceTrainer.PredictProbabilities(m, tst.Features);
            if (epoch == opt.Epochs) lastProbs = probsNow;
            var p = probsNow.Select((Func<float[], int>)(r => Array.IndexOf(r, r.Max()))).ToArray();
            last = p.Zip(tst.Classes).Count(z => z.First == z.Second) / (double)tst.Count;
            curve.Add($"{epoch}:{last:F3}");
            Console.WriteLine($"  fold {f} epoch {epoch} test {last:F3} ({sw.Elapsed.TotalSeconds:F0}s)");
        }
    });
    using (fit.Module)
    {
        if (S("savefolds", "") is { Length: > 0 } foldFolder)
        {
            // Each fold's network, for inference-only experiments (test-time averaging) without retraining.
            Directory.CreateDirectory(foldFolder);
            fit.Module.save(Path.Combine(foldFolder, $"fold{f}.bin"));
        }
        var probs = SequenceTrainer.PredictProbabilities(fit.Module, tst.Features);
        var pred = probs.Select(p => Array.IndexOf(p, p.Max())).ToArray();
        var m = ClassificationMetrics.From(tst.Classes, pred, Emotions.Count);
        truthAll.AddRange(tst.Classes);
        predAll.AddRange(pred);
        foldAcc.Add(m.Accuracy);
        foldF1.Add(m.MacroF1);
        lastAcc.Add(last);
        if (S("out", "") is { Length: > 0 } outFolder)
        {
            Directory.CreateDirectory(outFolder);
            File.WriteAllText(Path.Combine(outFolder, $"fold{f}.json"), System.Text.Json.JsonSerializer.Serialize(new
            {
                fold = f, testActors = test, validationActors = validation, truth = tst.Classes, predicted = pred, probabilities = probs, bestEpoch = fit.BestEpoch,
                validationAccuracy = fit.BestValidationAccuracy, fit.SecondsPerEpoch,
            }));
            // The last epoch's own weights (before any averaging), for ensembles of last-epoch networks.
            Directory.CreateDirectory(outFolder + "-last");
            File.WriteAllText(Path.Combine(outFolder + "-last", $"fold{f}.json"), System.Text.Json.JsonSerializer.Serialize(new
            {
                fold = f, testActors = test, validationActors = validation, truth = tst.Classes, predicted = lastProbs!.Select((Func<float[], int>)(r => Array.IndexOf(r, r.Max()))).ToArray(),
                probabilities = lastProbs, bestEpoch = opt.Epochs, validationAccuracy = 0.0, fit.SecondsPerEpoch,
            }));
        }
        Console.WriteLine($"fold {f} test [{string.Join(",", test)}] val [{string.Join(",", validation)}]: best epoch {fit.BestEpoch} val {fit.BestValidationAccuracy:F3} " +
            $"test {m.Accuracy:F3} f1 {m.MacroF1:F3} | last-epoch test {last:F3} | {fit.SecondsPerEpoch:F1} s/epoch | curve {string.Join(' ', curve)}");
    }
}
var pooled = ClassificationMetrics.From(truthAll, predAll, Emotions.Count);
Console.WriteLine($"RESULT {S("name", "run")}: mean acc {foldAcc.Average():F4} (folds {string.Join(" ", foldAcc.Select(x => x.ToString("F3")))}) mean f1 {foldF1.Average():F4} pooled acc {pooled.Accuracy:F4} f1 {pooled.MacroF1:F4} | last-epoch mean {lastAcc.Average():F4}");
Console.WriteLine("confusion (rows truth, label order): " + string.Join(" | ", pooled.ConfusionMatrix.Select(r => string.Join(",", r))));

// One fold's test clips classified by the mean of the saved probabilities of several runs (out= folders), as the
// served ensemble classifies: the truth and the ensemble's class per clip.
// fcv= (a stop=functionals out= folder) and fweight=: each clip's mean network probabilities mixed (1 − w) : w with the
// functionals model's, as a served set with that functionals model mixes them (FunctionalsModel.Mix).
static (int[] Truth, int[] Predicted) EnsembleFold(IReadOnlyList<string> runs, int fold, string? functionalsRun = null, double functionalsWeight = 0)
{
    var docs = runs.Select(d => System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(d, $"fold{fold}.json"))).RootElement).ToArray();
    int[] Truth(System.Text.Json.JsonElement d) => d.GetProperty("truth").EnumerateArray().Select(x => x.GetInt32()).ToArray();
    var truth = Truth(docs[0]);
    if (docs.Any(d => !Truth(d).SequenceEqual(truth))) throw new InvalidOperationException($"fold {fold}: runs disagree on the test clips");
    var rows = docs.Select(d => d.GetProperty("probabilities").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray()).ToArray();
    if (functionalsRun is { Length: > 0 })
    {
        var f = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(functionalsRun, $"fold{fold}.json"))).RootElement;
        if (!Truth(f).SequenceEqual(truth)) throw new InvalidOperationException($"fold {fold}: the functionals run disagrees on the test clips");
        var own = f.GetProperty("probabilities").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        return (truth, Enumerable.Range(0, truth.Length).Select(i => Enumerable.Range(0, Emotions.Count)
            .MaxBy(c => (1 - functionalsWeight) * rows.Average(r => r[i][c]) + functionalsWeight * own[i][c])).ToArray());
    }
    var predicted = Enumerable.Range(0, truth.Length).Select(i => Enumerable.Range(0, Emotions.Count).MaxBy(c => rows.Sum(r => r[i][c]))).ToArray();
    return (truth, predicted);
}

// The clip read at another speed (linear interpolation in time; speed > 1 gives fewer frames) with the mel axis
// shifted by a fraction of a band (edges clamped): the training augmentation's tempo and warp, without cropping.
static FeatureMatrix Variant(FeatureMatrix clip, double speed, double shift)
{
    if (speed == 1 && shift == 0) return clip;
    int bands = clip.Coefficients;
    int frames = Math.Max(EmotionRecognition.Infrastructure.Models.EmotionCrnn.MinFrames, (int)Math.Round(clip.Frames / speed));
    var v = new float[bands * frames];
    for (int t = 0; t < frames; t++)
    {
        double source = Math.Min(t * speed, clip.Frames - 1);
        int t0 = (int)source; int t1 = Math.Min(t0 + 1, clip.Frames - 1); float ft = (float)(source - t0);
        for (int m = 0; m < bands; m++)
        {
            double band = Math.Clamp(m + shift, 0, bands - 1);
            int m0 = (int)band; int m1 = Math.Min(m0 + 1, bands - 1); float fm = (float)(band - m0);
            float low = clip[m0, t0] * (1 - ft) + clip[m0, t1] * ft;
            float high = clip[m1, t0] * (1 - ft) + clip[m1, t1] * ft;
            v[m * frames + t] = low * (1 - fm) + high * fm;
        }
    }
    return new FeatureMatrix(bands, frames, v);
}
