using EmotionRecognition.Trainer.Cli;

namespace EmotionRecognition.Trainer.Corpus;

/// <summary>What reading a corpus gave: the clips in scan order, the files left out and why, and where features came from.</summary>
internal sealed record ClipReadResult<TClip>(IReadOnlyList<TClip> Clips, IReadOnlyList<SkippedFile> Skipped, int CacheHits, int Extracted);

/// <summary>
/// The one loop that reads every file of a scan on all cores: reads the bytes once, hashes them for the
/// feature cache, and hands both to <paramref name="readClip"/>. A file that cannot be read or decoded is
/// listed with the reason and left out, never aborting the run; clips keep the scan's order.
/// </summary>
internal static class ParallelClipReader
{
    /// <param name="readClip">(file, bytes, content hash) → the clip and whether its features came from the cache.</param>
    public static ClipReadResult<TClip> Read<TClip>(
        CorpusScan scan,
        IProgressReporter progress,
        string step,
        Func<CorpusFile, byte[], string, (TClip Clip, bool FromCache)> readClip,
        CancellationToken ct)
        where TClip : class
    {
        var results = new TClip?[scan.Files.Count];
        var failures = new SkippedFile?[scan.Files.Count];
        int hits = 0;
        int extracted = 0;
        progress.Run(step, scan.Files.Count, advance =>
        {
            var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct };
            Parallel.For(0, scan.Files.Count, options, i =>
            {
                var file = scan.Files[i];
                try
                {
                    var bytes = File.ReadAllBytes(file.Path);
                    var (clip, fromCache) = readClip(file, bytes, FeatureCache.ContentHash(bytes));
                    Interlocked.Increment(ref fromCache ? ref hits : ref extracted);
                    results[i] = clip;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Unreadable or undecodable audio never aborts a run: the file is listed and left out.
                    failures[i] = new SkippedFile(file.Path, e.Message);
                }
                advance(1);
            });
        });
        var skipped = scan.Skipped.Concat(failures.OfType<SkippedFile>()).ToArray();
        return new ClipReadResult<TClip>(results.OfType<TClip>().ToArray(), skipped, hits, extracted);
    }
}
