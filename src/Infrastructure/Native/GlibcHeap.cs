using System.Runtime.InteropServices;

namespace EmotionRecognition.Infrastructure.Native;

/// <summary>
/// glibc's malloc gives freed memory at the top of its heap back to the kernel once more than 128 KiB of it is free
/// (<c>M_TRIM_THRESHOLD</c>), and serves blocks above a moving threshold with their own <c>mmap</c>. libtorch frees
/// and allocates the same multi-megabyte activation buffers at every training step, so every step the kernel hands
/// the pages back, zeroed, one fault at a time: training the CRNN measured ~40 000 page faults a second and more than
/// half of its CPU time in the kernel. Keeping freed memory in the heap, and serving blocks of up to 32 MiB from it,
/// made the same training step 2.5× cheaper in CPU (docs/benchmarks.md, "Trainer: glibc heap"). The cost is that the
/// process keeps its peak working set instead of shrinking after it.
/// </summary>
public static class GlibcHeap
{
    private const int TrimThreshold = -1;   // M_TRIM_THRESHOLD
    private const int MmapThreshold = -3;   // M_MMAP_THRESHOLD

    /// <summary>glibc's ceiling for M_MMAP_THRESHOLD on 64-bit systems.</summary>
    public const int LargestHeapBlock = 32 * 1024 * 1024;

    /// <summary>Keeps freed memory in the process's heap. Call once, at start-up, before the first tensor.</summary>
    /// <returns>Whether glibc took the settings; false where there is no glibc (musl, macOS, Windows), which changes nothing.</returns>
    public static bool KeepFreedMemory()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }
        try
        {
            return mallopt(MmapThreshold, LargestHeapBlock) == 1 && mallopt(TrimThreshold, int.MaxValue) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    private static extern int mallopt(int parameter, int value);
}
