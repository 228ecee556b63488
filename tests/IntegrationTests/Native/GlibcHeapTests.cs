using System.Runtime.InteropServices;
using EmotionRecognition.Infrastructure.Native;

namespace EmotionRecognition.IntegrationTests.Native;

/// <summary>
/// <see cref="GlibcHeap.KeepFreedMemory"/> is what keeps CRNN training from spending most of its CPU time in page faults:
/// blocks of a few MiB must come from the heap, and freeing them must not shrink the heap.
/// glibc's own statistics (mallinfo2) tell, independently of the code under test.
/// <para>
/// The settings govern glibc's main arena, which serves a process's main thread. NUnit runs tests on worker threads,
/// which glibc may serve from arenas of their own; such an arena grows by extra 64 MiB heaps and unmaps one whole when a
/// block that needed it is freed, whatever the trim threshold (this test failed that way once in a dozen runs, the heap
/// shrinking by the test block). So the test host runs with one arena (integration.runsettings: MALLOC_ARENA_MAX=1).
/// </para>
/// </summary>
[TestFixture]
public sealed class GlibcHeapTests
{
    private const int Block = 16 * 1024 * 1024;

    [Test]
    public void KeepFreedMemory_ServesMultiMegabyteBlocksFromTheHeapAndKeepsThemAfterTheyAreFreed()
    {
        Assume.That(OperatingSystem.IsLinux(), "glibc only");
        Assert.That(Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX"), Is.EqualTo("1"),
            "run through integration.runsettings (dotnet test does): on other arenas than the main one this test is flaky");
        Assert.That(GlibcHeap.KeepFreedMemory(), Is.True, "glibc refused the settings");

        var before = mallinfo2();
        var block = Marshal.AllocHGlobal(Block);
        // Touch every page so the block is really backed by memory.
        for (int offset = 0; offset < Block; offset += 4096)
        {
            Marshal.WriteByte(block, offset, 1);
        }
        var holding = mallinfo2();
        Marshal.FreeHGlobal(block);
        var after = mallinfo2();

        Assert.Multiple(() =>
        {
            Assert.That((long)holding.MmappedBytes - (long)before.MmappedBytes, Is.LessThan(Block),
                "a 16 MiB block got its own mmap, which is unmapped (and faulted in again) on every free/alloc");
            Assert.That((long)after.HeapBytes, Is.GreaterThanOrEqualTo((long)holding.HeapBytes),
                "freeing the block shrank the heap: glibc handed the pages back to the kernel");
        });
    }

    [Test]
    public void KeepFreedMemory_CalledTwice_StillSucceeds()
    {
        Assume.That(OperatingSystem.IsLinux(), "glibc only");
        Assert.That(GlibcHeap.KeepFreedMemory() && GlibcHeap.KeepFreedMemory(), Is.True);
    }

    /// <summary>glibc's struct mallinfo2: ten size_t fields; we read arena (heap bytes) and hblkhd (mmapped bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private readonly struct MallInfo2
    {
        public readonly nuint HeapBytes;
        private readonly nuint ordblks;
        private readonly nuint smblks;
        private readonly nuint hblks;
        public readonly nuint MmappedBytes;
        private readonly nuint usmblks;
        private readonly nuint fsmblks;
        private readonly nuint uordblks;
        private readonly nuint fordblks;
        private readonly nuint keepcost;
    }

    [DllImport("libc.so.6")]
    private static extern MallInfo2 mallinfo2();
}
