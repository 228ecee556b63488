using EmotionRecognition.Infrastructure.Audio;
using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace EmotionRecognition.Trainer.Conditions;

/// <summary>
/// Runs ffmpeg once with bytes in on stdin and bytes out on stdout, as the product's <c>FfmpegAudioDecoder</c> does:
/// no files, a wall-clock deadline after which the child is killed, stdout bounded, stderr drained so the child never
/// blocks on it, and the child killed and reaped in a <c>finally</c> so none outlives the call.
/// </summary>
internal static class FfmpegPipe
{
    public static TimeSpan Deadline { get; } = TimeSpan.FromSeconds(60);

    /// <exception cref="InvalidOperationException">ffmpeg is not installed, failed, ran past the deadline or wrote too much.</exception>
    public static byte[] Run(IReadOnlyList<string> arguments, ReadOnlyMemory<byte> input, long maxOutputBytes, string purpose)
    {
        var start = new ProcessStartInfo("ffmpeg")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["-nostdin", "-hide_banner", "-loglevel", "error", "-threads", "1", .. arguments])
            start.ArgumentList.Add(argument);
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"{purpose} needs ffmpeg, which is not installed here ({e.Message}); install Debian's ffmpeg (apt-get install ffmpeg).", e);
        }

        var stdin = Task.Run(() => ChildProcessPipes.Feed(process.StandardInput.BaseStream, input));
        var stderr = Task.Run(() => ChildProcessPipes.FirstKilobytes(process.StandardError));
        using var deadline = new CancellationTokenSource(Deadline);
        using var killOnDeadline = deadline.Token.Register(() => ChildProcessPipes.Kill(process));
        try
        {
            using var output = new MemoryStream();
            var chunk = new byte[65536];
            int read;
            while ((read = process.StandardOutput.BaseStream.Read(chunk, 0, chunk.Length)) > 0)
            {
                output.Write(chunk, 0, read);
                if (output.Length > maxOutputBytes)
                    throw new InvalidOperationException($"{purpose}: ffmpeg wrote more than {maxOutputBytes} bytes; it was stopped.");
            }
            process.WaitForExit();
            if (deadline.IsCancellationRequested)
                throw new InvalidOperationException($"{purpose}: ffmpeg took longer than {Deadline.TotalSeconds:0} s; it was stopped.");
            if (process.ExitCode != 0)
            {
                var detail = stderr.Wait(TimeSpan.FromSeconds(5)) ? stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() : null;
                throw new InvalidOperationException($"{purpose}: ffmpeg exited with status {process.ExitCode}: {detail ?? "no message"}");
            }
            return output.ToArray();
        }
        finally
        {
            ChildProcessPipes.Kill(process);
            process.WaitForExit();
            Task.WaitAll([stdin, stderr], TimeSpan.FromSeconds(5));
        }
    }

}
