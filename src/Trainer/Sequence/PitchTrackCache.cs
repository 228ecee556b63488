using System.Buffers.Binary;
using System.Globalization;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Trainer.Corpus;

namespace EmotionRecognition.Trainer.Sequence;

/// <summary>
/// <see cref="PitchTracker"/> output on disk, one file per clip (int32 2, int32 frames, then F0 and periodicity,
/// frames float32 each, little-endian), keyed by the clip's content hash under a folder named by the feature profile
/// and the tracker's parameters, so it can never be read as (or beside) the log-mel cache of
/// <see cref="SequenceFeatureCache"/>, nor as the track of another F0 range or threshold.
/// </summary>
public sealed class PitchTrackCache(string root, FeatureProfile profile, PitchTracker tracker)
{
    /// <summary>Bump when the tracker's algorithm changes in a way its parameters do not name.</summary>
    public const int Version = 1;

    private const int HeaderBytes = 2 * sizeof(int);

    public string Folder { get; } = Path.Combine(Path.GetFullPath(root), FeatureCache.ProfileKey(profile) + string.Create(CultureInfo.InvariantCulture,
        $"-pitch-yin{Version}-{tracker.MinF0Hz}-{tracker.MaxF0Hz}-{tracker.Threshold}-{PitchTracker.SilenceBelowLoudestDb}db"));

    public bool TryGet(string contentHash, out PitchTrack track)
    {
        track = null!;
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(PathFor(contentHash));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
        // A truncated or foreign file is a miss: the clip is tracked again.
        if (bytes.Length < HeaderBytes || BinaryPrimitives.ReadInt32LittleEndian(bytes) != 2)
        {
            return false;
        }
        int frames = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(sizeof(int)));
        if (frames <= 0 || bytes.Length != HeaderBytes + 2L * frames * sizeof(float))
        {
            return false;
        }
        var values = new float[2 * frames];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(HeaderBytes + i * sizeof(float)));
            if (!float.IsFinite(values[i]))
            {
                return false;
            }
        }
        track = new PitchTrack(values.AsSpan(0, frames), values.AsSpan(frames));
        return true;
    }

    /// <summary>Writes through a temporary file and a rename, so parallel writers and crashes leave whole files.</summary>
    public void Put(string contentHash, PitchTrack track)
    {
        var path = PathFor(contentHash);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        int frames = track.Frames;
        var bytes = new byte[HeaderBytes + 2 * frames * sizeof(float)];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, 2);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(sizeof(int)), frames);
        for (int t = 0; t < frames; t++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(HeaderBytes + t * sizeof(float)), track.F0Hz[t]);
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(HeaderBytes + (frames + t) * sizeof(float)), track.Periodicity[t]);
        }
        var temp = $"{path}.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }

    private string PathFor(string contentHash) => Path.Combine(Folder, contentHash[..2], contentHash + ".f0");
}
