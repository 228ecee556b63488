using System.Buffers.Binary;
using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Audio;

namespace EmotionRecognition.Infrastructure.Audio;

/// <summary>
/// Decodes MP3, AAC, Vorbis, Opus, FLAC and RF64 with Debian's ffmpeg as a child process, bytes in
/// on stdin and a float32 WAV image out on stdout. MP4 is the exception: its index ('moov') may follow
/// the audio, and ffmpeg cannot seek back in a pipe, so an MP4 is written to a private temp file that
/// is deleted in the same <c>finally</c> that reaps the child. ffmpeg keeps every channel at
/// the file's own rate; averaging to mono is left to <see cref="WavReader"/> so every format is
/// mixed down by the same code. The child is bounded four ways: a wall-clock deadline (then it is
/// killed), RLIMIT_CPU and RLIMIT_AS set by the shell that execs it, and the bytes it may write,
/// counted here against <see cref="AudioLimits"/> once its header says the rate and channels. It is
/// killed and reaped in a <c>finally</c>, so none outlives its call.
/// </summary>
public sealed class FfmpegAudioDecoder(string executable = "ffmpeg") : IExternalAudioDecoder
{
    /// <summary>Bytes ffmpeg's WAV header may take before the data chunk starts.</summary>
    private const int MaxHeaderBytes = 4096;

    /// <summary>The exit status of a shell whose exec found no such program.</summary>
    private const int CommandNotFound = 127;

    public ReadOnlyMemory<byte> DecodeToWav(ReadOnlyMemory<byte> audio, AudioFormat format, AudioLimits limits, CancellationToken ct)
    {
        var inputFile = format == AudioFormat.Mp4 ? WriteTempFile(audio) : null;
        using var process = new Process { StartInfo = StartInfo(format, limits, inputFile) };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            DeleteQuietly(inputFile);
            throw Unavailable(format, e.Message);
        }

        var stdin = Task.Run(() => ChildProcessPipes.Feed(process.StandardInput.BaseStream, inputFile is null ? audio : ReadOnlyMemory<byte>.Empty));
        var stderr = Task.Run(() => ChildProcessPipes.FirstKilobytes(process.StandardError));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(limits.DecodeTimeout);
        using var killOnDeadline = deadline.Token.Register(() => ChildProcessPipes.Kill(process));
        try
        {
            var output = ReadBounded(process.StandardOutput.BaseStream, limits, out var tooLong);
            if (tooLong)
                throw limits.TooLong();
            if (!process.WaitForExit(limits.DecodeTimeout))
                ChildProcessPipes.Kill(process);
            process.WaitForExit();
            ct.ThrowIfCancellationRequested();
            if (deadline.IsCancellationRequested)
                throw new InvalidAudioException($"Decoding the {format.Name()} file took longer than {limits.DecodeTimeout.TotalSeconds:0.#} s; it was stopped.");
            // 127 is also the loader's status when the program exists but cannot be mapped (the memory cap).
            if (process.ExitCode == CommandNotFound && Detail(stderr) is var missing && missing.Contains("not found", StringComparison.Ordinal))
                throw Unavailable(format, missing);
            if (process.ExitCode != 0)
                throw new InvalidAudioException($"The {format.Name()} file could not be decoded: {Failure(process.ExitCode, Detail(stderr))}");
            if (output.Header is not { } header || output.Bytes.Length - header.DataOffset < header.Channels * sizeof(float))
                throw new InvalidAudioException($"The {format.Name()} file holds no audio that could be decoded.");
            return output.Bytes;
        }
        finally
        {
            ChildProcessPipes.Kill(process);
            process.WaitForExit();
            DeleteQuietly(inputFile);
            // Both pipes are closed once the child is gone, so these end promptly; their faults are the child's.
            Task.WaitAll([stdin, stderr], TimeSpan.FromSeconds(5));
        }
    }

    /// <summary>
    /// The command line. The demuxer is forced from our own detection, so ffmpeg never probes its way
    /// into a playlist or concat format, and only the pipe protocol is allowed (the file protocol for
    /// an MP4's temp file, whose external data references ffmpeg ignores by default): no other file
    /// and no network is reachable from the input. One decoding thread keeps CPU accounting honest.
    /// </summary>
    private ProcessStartInfo StartInfo(AudioFormat format, AudioLimits limits, string? inputFile)
    {
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var cpuSeconds = Math.Max(1, (long)Math.Ceiling(limits.DecodeTimeout.TotalSeconds));
        string[] arguments =
        [
            "-c", "ulimit -v \"$1\" && ulimit -t \"$2\" && shift 2 && exec \"$@\"", "sh",
            (limits.MaxDecoderMemoryBytes / 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
            cpuSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            executable, "-nostdin", "-hide_banner", "-loglevel", "error", "-threads", "1",
            "-protocol_whitelist", inputFile is null ? "pipe" : "file", "-f", Demuxer(format), "-i", inputFile is null ? "pipe:0" : "file:" + inputFile,
            "-map", "0:a:0", "-vn", "-sn", "-dn", "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact",
            "-c:a", "pcm_f32le", "-f", "wav", "pipe:1",
        ];
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        return start;
    }

    private static string Demuxer(AudioFormat format) => format switch
    {
        AudioFormat.Mp3 => "mp3",
        AudioFormat.Aac => "aac",
        AudioFormat.Mp4 => "mov",
        AudioFormat.Ogg => "ogg",
        AudioFormat.Matroska => "matroska",
        AudioFormat.Flac => "flac",
        AudioFormat.Rf64 => "wav",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "read in managed code, not by ffmpeg"),
    };

    private readonly record struct WavHeader(int Channels, int SampleRateHz, int DataOffset);

    private readonly record struct Output(ReadOnlyMemory<byte> Bytes, WavHeader? Header);

    /// <summary>
    /// Reads stdout until it ends or would pass the limits: until the header is complete the bound is
    /// <see cref="MaxHeaderBytes"/>, after it the frames that <see cref="AudioLimits.MaxFrames"/> allows.
    /// Going past is reported, not buffered: the child is then killed in the caller's finally.
    /// </summary>
    private static Output ReadBounded(Stream stdout, AudioLimits limits, out bool tooLong)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[65536];
        WavHeader? header = null;
        long maxBytes = MaxHeaderBytes;
        tooLong = false;
        int read;
        while ((read = stdout.Read(chunk, 0, chunk.Length)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (header is null)
            {
                header = ParseHeader(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
                if (header is { } found)
                    maxBytes = found.DataOffset + limits.MaxFrames(found.SampleRateHz, found.Channels) * found.Channels * sizeof(float);
                else if (buffer.Length > MaxHeaderBytes)
                    throw new InvalidAudioException("The decoder's output has no WAV header; the file could not be decoded.");
            }
            if (header is not null && buffer.Length > maxBytes)
            {
                tooLong = true;
                break;
            }
        }
        return new Output(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), header);
    }

    /// <summary>ffmpeg's streamed WAV: RIFF header, 'fmt ' (plain or extensible), then 'data' of unknown size.</summary>
    private static WavHeader? ParseHeader(ReadOnlySpan<byte> bytes)
    {
        int? channels = null, rate = null;
        var position = 12;
        while (position + 8 <= bytes.Length)
        {
            var id = bytes.Slice(position, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(position + 4)..]);
            if (id.SequenceEqual("data"u8))
                return channels is > 0 && rate is > 0 ? new WavHeader(channels.Value, rate.Value, position + 8) : null;
            if (id.SequenceEqual("fmt "u8) && position + 16 <= bytes.Length)
            {
                channels = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(position + 10)..]);
                rate = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(bytes[(position + 12)..]), int.MaxValue);
            }
            if (size > MaxHeaderBytes)
                return null;
            position += 8 + (int)size + (int)(size & 1);
        }
        return null;
    }

    /// <summary>The bytes in a new file only this user may read, under a name no one else can have taken.</summary>
    private static string WriteTempFile(ReadOnlyMemory<byte> audio)
    {
        var path = Path.Combine(Path.GetTempPath(), $"emotion-decode-{Guid.NewGuid():N}.mp4");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using var file = new FileStream(path, options);
            file.Write(audio.Span);
        }
        catch
        {
            DeleteQuietly(path);
            throw;
        }
        return path;
    }

    private static void DeleteQuietly(string? path)
    {
        if (path is null)
            return;
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string Detail(Task<string> stderr)
    {
        var text = stderr.Wait(TimeSpan.FromSeconds(5)) ? stderr.Result : "";
        var line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        // The first line from ffmpeg names the fault ("Invalid data found when processing input"); paths never appear (pipes only).
        return line.Length > 300 ? line[..300] : line;
    }

    private static string Failure(int exitCode, string detail) => exitCode switch
    {
        // 128 + signal: the kernel stopped the child at a limit.
        152 => "the decoder used more CPU time than allowed.",
        137 => "the decoder was killed.",
        _ when detail.Length > 0 => detail,
        _ => $"the decoder exited with status {exitCode}.",
    };

    private static InvalidAudioException Unavailable(AudioFormat format, string detail) =>
        new($"This server cannot decode {format.Name()}: its decoder (ffmpeg) is not installed ({detail}). Send WAV or AIFF.");
}
