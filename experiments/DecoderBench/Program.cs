// Measures the decoder choice recorded in docs/audio-formats.md. Run (niced, the machine is shared):
//   nice -n 10 dotnet run -c Release --project experiments/DecoderBench -- naudio  ../shared
//   nice -n 10 dotnet run -c Release --project experiments/DecoderBench -- decoders DIR
// where DIR holds short.* and long.* made by experiments/DecoderBench/encode.sh.
using System.Diagnostics;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Infrastructure.Audio;
using NAudio.Wave;

return args[0] switch
{
    "naudio" => NAudioComparison.Run(args[1], args.Length > 2 ? args[2] : "tests/UnitTests/Robustness/FuzzRegressions"),
    "decoders" => DecoderComparison.Run(args[1]),
    _ => 2,
};

static class NAudioComparison
{
    /// <summary>NAudio's WAV/AIFF readers against ours: bit-identity on real files, behaviour on hostile ones.</summary>
    public static int Run(string shared, string regressions)
    {
        var files = Directory.GetFiles(Path.Combine(shared, "golden", "wav"), "*.wav")
            .Concat(Directory.GetFiles(Path.Combine(shared, "ravdess"), "*.wav", SearchOption.AllDirectories)).Order().ToArray();
        int identical = 0, different = 0, naudioFailed = 0;
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            var ours = WavReader.Read(bytes).Samples;
            try
            {
                var theirs = ReadWithNAudio(bytes, out _);
                if (theirs.AsSpan().SequenceEqual(ours)) identical++;
                else { different++; Console.WriteLine($"  differs: {Path.GetFileName(file)} ({theirs.Length} vs {ours.Length} samples)"); }
            }
            catch (Exception e)
            {
                naudioFailed++;
                Console.WriteLine($"  NAudio failed on {Path.GetFileName(file)}: {e.GetType().Name}: {e.Message}");
            }
        }
        Console.WriteLine($"real WAVs: {files.Length}, bit-identical {identical}, different {different}, NAudio failed {naudioFailed}");

        var hostile = Directory.GetFiles(regressions).Where(f => !f.EndsWith(".md")).Order().ToArray();
        var outcomes = new Dictionary<string, int>();
        long worstAllocated = 0;
        string worst = "";
        foreach (var file in hostile)
        {
            var bytes = File.ReadAllBytes(file);
            string outcome;
            float[]? theirs = null;
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                theirs = ReadWithNAudio(bytes, out _);
                outcome = "decoded";
            }
            catch (Exception e)
            {
                outcome = e.GetType().Name;
            }
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated / Math.Max(1, bytes.Length) > worstAllocated / Math.Max(1, worst.Length == 0 ? 1 : new FileInfo(worst).Length))
            {
                worstAllocated = allocated;
                worst = file;
            }
            string ourOutcome;
            try
            {
                var ours = WavReader.Read(bytes).Samples;
                ourOutcome = theirs is null ? "decoded" : theirs.AsSpan().SequenceEqual(ours) ? "decoded, bit-identical" : $"decoded, different ({theirs.Length} vs {ours.Length} samples)";
            }
            catch (InvalidAudioException e) { ourOutcome = "InvalidAudioException"; if (theirs is not null) Console.WriteLine($"  NAudio decoded what we refuse: {Path.GetFileName(file)}: {e.Message}"); }
            var key = $"NAudio {outcome} / ours {(ourOutcome.StartsWith("decoded, different") ? "decoded, different" : ourOutcome)}";
            if (ourOutcome.StartsWith("decoded, different")) Console.WriteLine($"  {Path.GetFileName(file)}: {ourOutcome}");
            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
        }
        Console.WriteLine($"fuzz regressions: {hostile.Length}");
        foreach (var (key, count) in outcomes.OrderBy(p => p.Key)) Console.WriteLine($"  {count,3} × {key}");
        if (worst.Length > 0)
            Console.WriteLine($"  most allocated by NAudio per input byte: {worstAllocated} bytes for {Path.GetFileName(worst)} ({new FileInfo(worst).Length} bytes)");

        // A WAV claiming a 2 GiB 'fmt ' extra size and a data chunk of 4 GiB, holding 100 bytes.
        foreach (var (name, wav) in HostileWavs())
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            string outcome;
            try { ReadWithNAudio(wav, out _); outcome = "decoded"; } catch (Exception e) { outcome = e.GetType().Name + ": " + e.Message; }
            Console.WriteLine($"  {name}: NAudio {outcome}; allocated {GC.GetAllocatedBytesForCurrentThread() - before} bytes for a {wav.Length}-byte file");
        }

        // AIFF: NAudio's AiffFileReader against our AiffReader on sox/ffmpeg output.
        foreach (var file in Directory.GetFiles("fuzz/seeds").Where(f => f.EndsWith(".aiff") || f.EndsWith(".aifc")).Order())
        {
            var bytes = File.ReadAllBytes(file);
            var ours = AiffReader.Read(bytes).Samples;
            string verdict;
            try
            {
                using var reader = new AiffFileReader(new MemoryStream(bytes));
                var theirs = Mono(reader.ToSampleProvider(), reader.WaveFormat.Channels);
                verdict = theirs.AsSpan().SequenceEqual(ours) ? "bit-identical" : $"differs (max |Δ| {theirs.Zip(ours, (a, b) => Math.Abs(a - b)).DefaultIfEmpty().Max():G3}, {theirs.Length} vs {ours.Length})";
            }
            catch (Exception e) { verdict = $"{e.GetType().Name}: {e.Message}"; }
            Console.WriteLine($"  AIFF {Path.GetFileName(file)}: NAudio {verdict}");
        }
        return 0;
    }

    private static IEnumerable<(string, byte[])> HostileWavs()
    {
        byte[] Header(uint fmtSize, uint dataSize, int dataPresent, ushort tag = 1)
        {
            var fmt = new byte[Math.Min(fmtSize, 18u)];
            BitConverter.TryWriteBytes(fmt.AsSpan(0), tag);
            BitConverter.TryWriteBytes(fmt.AsSpan(2), (ushort)1);
            BitConverter.TryWriteBytes(fmt.AsSpan(4), 22050);
            BitConverter.TryWriteBytes(fmt.AsSpan(8), 44100);
            BitConverter.TryWriteBytes(fmt.AsSpan(12), (ushort)2);
            BitConverter.TryWriteBytes(fmt.AsSpan(14), (ushort)16);
            if (fmt.Length >= 18) BitConverter.TryWriteBytes(fmt.AsSpan(16), (ushort)0xFFFF);
            return [.. "RIFF"u8, 0xFF, 0xFF, 0xFF, 0x7F, .. "WAVEfmt "u8, .. BitConverter.GetBytes(fmtSize), .. fmt, .. "data"u8, .. BitConverter.GetBytes(dataSize), .. new byte[dataPresent]];
        }
        yield return ("data claims 4 GiB, holds 100 bytes", Header(16, uint.MaxValue, 100));
        yield return ("fmt cbSize claims 65535 extra bytes", Header(18, 100, 100));
        yield return ("fmt chunk claims 2 GiB", Header(0x7FFFFFFF, 100, 100));
    }

    public static float[] ReadWithNAudio(byte[] bytes, out WaveFormat format)
    {
        using var reader = new WaveFileReader(new MemoryStream(bytes));
        format = reader.WaveFormat;
        return Mono(reader.ToSampleProvider(), format.Channels);
    }

    /// <summary>NAudio's samples, averaged to mono with our float32 running sum (its own mixers take at most 2 channels).</summary>
    private static float[] Mono(ISampleProvider provider, int channels)
    {
        var all = new List<float>();
        var buffer = new float[8192 * channels];
        int read;
        while ((read = provider.Read(buffer.AsSpan())) > 0)
            all.AddRange(buffer.AsSpan(0, read - read % channels).ToArray());
        var mono = new float[all.Count / channels];
        for (var i = 0; i < mono.Length; i++)
        {
            var sum = all[i * channels];
            for (var c = 1; c < channels; c++) sum += all[i * channels + c];
            mono[i] = channels == 1 ? sum : sum / channels;
        }
        return mono;
    }
}

static class DecoderComparison
{
    public static int Run(string folder)
    {
        var ffmpeg = AudioDecoding(new AudioLimits { MaxSeconds = 700, MaxOutputSamples = 1L << 30, DecodeTimeout = TimeSpan.FromMinutes(5) });
        Console.WriteLine("file | decoder | median ms (runs) | samples | rate | allocated MiB | vs ffmpeg");
        foreach (var file in Directory.GetFiles(folder).Where(f => Path.GetFileName(f).StartsWith("short.") || Path.GetFileName(f).StartsWith("long.")).Order())
        {
            var bytes = File.ReadAllBytes(file);
            var runs = Path.GetFileName(file).StartsWith("short.") ? 5 : 3;
            var reference = Measure(Path.GetFileName(file), "ffmpeg", runs, () => ffmpeg.Decode(bytes), null);
            var ext = Path.GetExtension(file);
            if (ext == ".mp3") Measure(Path.GetFileName(file), "NLayer", runs, () => NLayerDecode(bytes), reference);
            if (ext == ".ogg") Measure(Path.GetFileName(file), "NVorbis", runs, () => NVorbisDecode(bytes), reference);
            if (ext == ".opus") Measure(Path.GetFileName(file), "Concentus+Ogg", runs, () => ConcentusDecode(bytes), reference);
        }
        return 0;
    }

    private static AudioDecoder AudioDecoding(AudioLimits limits) => new(new FfmpegAudioDecoder(), limits);

    private static AudioClip Measure(string file, string decoder, int runs, Func<AudioClip> decode, AudioClip? reference)
    {
        var times = new List<double>();
        AudioClip clip = null!;
        long allocated = 0;
        for (var i = 0; i < runs; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var watch = Stopwatch.StartNew();
            clip = decode();
            times.Add(watch.Elapsed.TotalMilliseconds);
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }
        times.Sort();
        var comparison = reference is null ? "reference" : Compare(clip, reference);
        Console.WriteLine($"{file} | {decoder} | {times[times.Count / 2]:0.0} ({runs}) | {clip.Samples.Length} | {clip.SampleRateHz} | {allocated / 1048576.0:0.0} | {comparison}");
        return clip;
    }

    /// <summary>Best alignment within ±3000 samples (decoders differ in how much encoder delay they trim), then the error there.</summary>
    private static string Compare(AudioClip clip, AudioClip reference)
    {
        if (clip.SampleRateHz != reference.SampleRateHz) return $"rate {clip.SampleRateHz} vs {reference.SampleRateHz}";
        var a = clip.Samples; var b = reference.Samples;
        int bestLag = 0; double bestError = double.MaxValue;
        var window = Math.Min(20000, Math.Min(a.Length, b.Length) - 6000);
        for (var lag = -3000; lag <= 3000; lag++)
        {
            double error = 0;
            for (var i = 3000; i < 3000 + window; i += 4) { var d = a[i] - b[i + lag]; error += d * d; }
            if (error < bestError) { bestError = error; bestLag = lag; }
        }
        double max = 0, sum = 0, energy = 0; var n = 0;
        for (var i = Math.Max(0, -bestLag); i < a.Length && i + bestLag < b.Length; i++)
        {
            if (i + bestLag < 0) continue;
            var d = Math.Abs(a[i] - b[i + bestLag]);
            max = Math.Max(max, d); sum += d * d; energy += (double)b[i + bestLag] * b[i + bestLag]; n++;
        }
        var snr = 10 * Math.Log10(energy / Math.Max(sum, 1e-30));
        return $"lag {bestLag}, length {a.Length - b.Length:+0;-0;0}, max |Δ| {max:G3}, SNR vs ffmpeg {snr:0.0} dB";
    }

    private static AudioClip NLayerDecode(byte[] bytes)
    {
        using var mpeg = new NLayer.MpegFile(new MemoryStream(bytes));
        var channels = mpeg.Channels;
        var all = new List<float>();
        var buffer = new float[4608 * channels];
        int read;
        while ((read = mpeg.ReadSamples(buffer, 0, buffer.Length)) > 0) all.AddRange(buffer.AsSpan(0, read).ToArray());
        return new AudioClip(Mono(all, channels), mpeg.SampleRate);
    }

    private static AudioClip NVorbisDecode(byte[] bytes)
    {
        using var vorbis = new NVorbis.VorbisReader(new MemoryStream(bytes), true);
        var channels = vorbis.Channels;
        var all = new List<float>();
        var buffer = new float[4096 * channels];
        int read;
        while ((read = vorbis.ReadSamples(buffer, 0, buffer.Length)) > 0) all.AddRange(buffer.AsSpan(0, read).ToArray());
        return new AudioClip(Mono(all, channels), vorbis.SampleRate);
    }

    /// <summary>Concentus decodes Opus packets only: the Ogg pages are split into packets here (RFC 3533, RFC 7845).</summary>
    private static AudioClip ConcentusDecode(byte[] bytes)
    {
        var packets = OggPackets(bytes).ToList();
        var head = packets[0];
        int channels = head[9];
        int preSkip = head[10] | head[11] << 8;
        var decoder = Concentus.OpusCodecFactory.CreateDecoder(48000, channels);
        var pcm = new float[5760 * channels];
        var all = new List<float>();
        foreach (var packet in packets.Skip(2))
        {
            var frames = decoder.Decode(packet, pcm, 5760, false);
            all.AddRange(pcm.AsSpan(0, frames * channels).ToArray());
        }
        var mono = Mono(all, channels);
        return new AudioClip(mono[Math.Min(preSkip, mono.Length)..], 48000);
    }

    private static IEnumerable<byte[]> OggPackets(byte[] bytes)
    {
        var position = 0;
        var packet = new List<byte>();
        while (position + 27 <= bytes.Length && bytes.AsSpan(position, 4).SequenceEqual("OggS"u8))
        {
            int segments = bytes[position + 26];
            var lacing = bytes.AsSpan(position + 27, segments).ToArray();
            var body = position + 27 + segments;
            foreach (var length in lacing)
            {
                packet.AddRange(bytes.AsSpan(body, length).ToArray());
                body += length;
                if (length < 255) { yield return packet.ToArray(); packet.Clear(); }
            }
            position = body;
        }
    }

    private static float[] Mono(List<float> interleaved, int channels)
    {
        var mono = new float[interleaved.Count / channels];
        for (var i = 0; i < mono.Length; i++)
        {
            var sum = interleaved[i * channels];
            for (var c = 1; c < channels; c++) sum += interleaved[i * channels + c];
            mono[i] = channels == 1 ? sum : sum / channels;
        }
        return mono;
    }
}
