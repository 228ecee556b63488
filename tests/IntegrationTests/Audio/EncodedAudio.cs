using System.Diagnostics;
using EmotionRecognition.IntegrationTests.Api;
using EmotionRecognition.IntegrationTests.Infrastructure;

namespace EmotionRecognition.IntegrationTests.Audio;

/// <summary>One way users send audio: how ffmpeg encodes it, and the Content-Type a client would give it.</summary>
/// <param name="Name">Test case name.</param>
/// <param name="Extension">File extension (the muxer ffmpeg picks from it unless the arguments force one).</param>
/// <param name="EncoderArguments">ffmpeg output options.</param>
/// <param name="ContentType">The type a client sends it as.</param>
/// <param name="Lossless">True when the decoded samples must equal the source WAV's.</param>
public sealed record AudioEncoding(string Name, string Extension, string EncoderArguments, string ContentType, bool Lossless)
{
    public override string ToString() => Name;

    public static readonly AudioEncoding[] All =
    [
        new("Flac", ".flac", "-c:a flac", "audio/flac", true),
        new("Aiff", ".aiff", "-c:a pcm_s16be", "audio/aiff", true),
        new("AifcSowt", ".aifc", "-c:a pcm_s16le -f aiff", "audio/x-aiff", true),
        new("Rf64", ".wav", "-c:a pcm_s16le -rf64 always", "audio/wav", true),
        new("Mp3", ".mp3", "-c:a libmp3lame -b:a 128k", "audio/mpeg", false),
        new("M4aAac", ".m4a", "-c:a aac -b:a 128k", "audio/mp4", false),
        new("AdtsAac", ".aac", "-c:a aac -b:a 128k -f adts", "audio/aac", false),
        new("OggVorbis", ".ogg", "-c:a libvorbis -q:a 5", "audio/ogg", false),
        new("OggOpus", ".opus", "-c:a libopus -b:a 64k", "audio/opus", false),
        new("WebmOpus", ".webm", "-c:a libopus -b:a 64k -f webm", "audio/webm", false),
    ];
}

/// <summary>
/// Real files made by a real encoder: a RAVDESS clip from ../shared encoded by Debian's ffmpeg in a temp
/// folder, cached per encoding. Tests that need it are inconclusive, with a message, when ffmpeg or the
/// corpus is missing (.ci/run installs ffmpeg).
/// </summary>
internal static class EncodedAudio
{
    /// <summary>An angry statement by actor 01, 16-bit 22.05 kHz mono as RAVDESS ships here.</summary>
    public static string SourceClip
    {
        get
        {
            var path = Path.GetFullPath(Path.Combine(GoldenWavs.RepoRoot, "..", "shared", "ravdess", "Actor_01", "03-01-05-01-01-01-01.wav"));
            Assume.That(File.Exists(path), $"The RAVDESS corpus is missing: expected {path} (../shared/ravdess next to the repository).");
            return path;
        }
    }

    public static byte[] SourceWav => File.ReadAllBytes(SourceClip);

    private static readonly Dictionary<string, byte[]> Cache = [];

    public static byte[] Encode(AudioEncoding encoding) => Encode(SourceClip, encoding.EncoderArguments, encoding.Extension);

    /// <summary><paramref name="input"/> (a file, or ffmpeg input options such as <c>-f lavfi -i …</c>) encoded with <paramref name="outputArguments"/>.</summary>
    public static byte[] Encode(string input, string outputArguments, string extension)
    {
        var key = input + "|" + outputArguments + "|" + extension;
        lock (Cache)
        {
            if (Cache.TryGetValue(key, out var cached))
            {
                return cached;
            }
            Assume.That(FfmpegInstalled, "ffmpeg is not installed (apt-get install ffmpeg); the compressed formats cannot be encoded or decoded.");
            using var folder = new TempFolder("encoded");
            var output = folder.Combine("clip" + extension);
            var inputArguments = input.StartsWith('-') ? input : $"-i \"{input}\"";
            Run($"-nostdin -loglevel error -y {inputArguments} {outputArguments} \"{output}\"");
            return Cache[key] = File.ReadAllBytes(output);
        }
    }

    public static bool FfmpegInstalled { get; } = Probe();

    private static bool Probe()
    {
        try
        {
            Run("-loglevel error -version");
            return true;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static void Run(string arguments)
    {
        using var ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg", arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var stderr = ffmpeg.StandardError.ReadToEndAsync();
        ffmpeg.StandardOutput.ReadToEnd();
        ffmpeg.WaitForExit();
        if (ffmpeg.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg {arguments} failed: {stderr.Result}");
        }
    }

    /// <summary>Child processes of this test process still alive (a decoder that outlived its call would be one).</summary>
    public static IReadOnlyList<string> LiveChildren()
    {
        var self = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var children = new List<string>();
        foreach (var stat in Directory.EnumerateDirectories("/proc").Select(d => Path.Combine(d, "stat")))
        {
            string text;
            try
            {
                text = File.ReadAllText(stat);
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }
            // pid (comm) state ppid ...; comm may hold spaces, so split after its closing parenthesis.
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            if (fields.Length > 1 && fields[1] == self && fields[0] != "Z")
            {
                children.Add(text[..(text.LastIndexOf(')') + 1)]);
            }
        }
        return children;
    }
}
