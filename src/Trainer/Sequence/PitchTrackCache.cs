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

    public string Folder { get; } = Path.Combine(Path.GetFullPath(root), FeatureCache.ProfileKey(profile) + string.Create(CultureInfo.InvariantCulture,
        $"-pitch-yin{Version}-{tracker.MinF0Hz}-{tracker.MaxF0Hz}-{tracker.Threshold}-{PitchTracker.SilenceBelowLoudestDb}db"));

    public bool TryGet(string contentHash, out PitchTrack track)
    {
        track = null!;
        if (!MatrixFile.TryRead(PathFor(contentHash), 2, out var rows))
        {
            return false;
        }
        track = new PitchTrack(rows.Row(0), rows.Row(1));
        return true;
    }

    public void Put(string contentHash, PitchTrack track)
    {
        var values = new float[2 * track.Frames];
        track.F0Hz.CopyTo(values);
        track.Periodicity.CopyTo(values.AsSpan(track.Frames));
        MatrixFile.Write(PathFor(contentHash), new FeatureMatrix(2, track.Frames, values));
    }

    private string PathFor(string contentHash) => Path.Combine(Folder, contentHash[..2], contentHash + ".f0");
}
