using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace EmotionRecognition.Infrastructure.Audio;

/// <summary>The chores of every ffmpeg child process (the decoder's, the Trainer's codec conditions'): feeding
/// stdin without failing when the child stops reading, and draining stderr so the child never blocks on a full pipe.</summary>
public static class ChildProcessPipes
{
    /// <summary>Writes <paramref name="input"/> to the child's stdin and closes it; a child that stopped reading (it failed,
    /// finished early or was killed) is not an error here: its exit status says which.</summary>
    public static void Feed(Stream stdin, ReadOnlyMemory<byte> input)
    {
        try
        {
            stdin.Write(input.Span);
            stdin.Close();
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>The first 4 KiB of stderr; the rest is read and dropped.</summary>
    public static string FirstKilobytes(StreamReader stderr)
    {
        var kept = new StringBuilder();
        var chunk = new char[1024];
        int read;
        try
        {
            while ((read = stderr.Read(chunk, 0, chunk.Length)) > 0)
                if (kept.Length < 4096)
                    kept.Append(chunk, 0, read);
        }
        catch (IOException)
        {
        }
        return kept.ToString();
    }

    /// <summary>Kills the child and its children if it still runs; one that already exited is not an error.</summary>
    public static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited and reaped.
        }
        catch (Win32Exception)
        {
        }
    }
}
