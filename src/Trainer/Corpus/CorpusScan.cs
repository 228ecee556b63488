using EmotionRecognition.Application.Audio;
using EmotionRecognition.Domain;

namespace EmotionRecognition.Trainer.Corpus;

/// <summary>A WAV file whose name parsed as a RAVDESS clip.</summary>
internal sealed record CorpusFile(string Path, RavdessFileName Name);

/// <summary>A file that was left out, and why; listed in the run's report.</summary>
internal sealed record SkippedFile(string Path, string Reason);

/// <summary>The clips found under a folder, plus every file that was left out.</summary>
internal sealed record CorpusScan(string Root, IReadOnlyList<CorpusFile> Files, IReadOnlyList<SkippedFile> Skipped)
{
    /// <summary>
    /// Walks <paramref name="root"/> for audio files (<see cref="AudioDecoder.FileExtensions"/>) at any depth (any case), in ordinal path order so
    /// every run sees the same sequence. Names that are not RAVDESS names are skipped; song clips
    /// (vocal channel 02) are skipped unless <paramref name="includeSong"/>.
    /// </summary>
    public static CorpusScan Read(string root, bool includeSong)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"Data folder '{root}' does not exist.");
        }
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            MatchCasing = MatchCasing.CaseInsensitive,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
        };
        var files = new List<CorpusFile>();
        var skipped = new List<SkippedFile>();
        foreach (var path in Directory.EnumerateFiles(root, "*", options).Where(f => AudioDecoder.FileExtensions.Contains(Path.GetExtension(f))).Order(StringComparer.Ordinal))
        {
            if (!RavdessFileName.TryParse(path, out var name))
            {
                skipped.Add(new SkippedFile(path, "name is not a RAVDESS file name (MM-VV-EE-II-SS-RR-AA.wav)"));
            }
            else if (name!.Modality != RavdessFileName.AudioOnly)
            {
                skipped.Add(new SkippedFile(path, $"modality {name.Modality:00} is not audio-only (03)"));
            }
            else if (name.VocalChannel == VocalChannel.Song && !includeSong)
            {
                skipped.Add(new SkippedFile(path, "song clip (vocal channel 02); pass --include-song to use it"));
            }
            else
            {
                files.Add(new CorpusFile(path, name));
            }
        }
        return new CorpusScan(Path.GetFullPath(root), files, skipped);
    }
}
