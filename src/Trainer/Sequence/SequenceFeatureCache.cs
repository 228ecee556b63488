using EmotionRecognition.Application.Features;
using EmotionRecognition.Trainer.Corpus;

namespace EmotionRecognition.Trainer.Sequence;

/// <summary>
/// Extracted log-mel spectrograms on disk, one file per clip (int32 bands, int32 frames, then
/// bands × frames float32, little-endian), keyed by the clip's content hash under a folder per
/// feature profile (<see cref="FeatureCache.ProfileKey"/>). The raw log-mel is cached, not the
/// prepared network input, so changing trimming or normalisation never needs a new extraction.
/// </summary>
public sealed class SequenceFeatureCache(string root, FeatureProfile profile)
{
    public string Folder { get; } = Path.Combine(Path.GetFullPath(root), FeatureCache.ProfileKey(profile) + "-logmel");

    public bool TryGet(string contentHash, out FeatureMatrix logMel) => MatrixFile.TryRead(PathFor(contentHash), profile.MelBands, out logMel);

    public void Put(string contentHash, FeatureMatrix logMel) => MatrixFile.Write(PathFor(contentHash), logMel);

    private string PathFor(string contentHash) => Path.Combine(Folder, contentHash[..2], contentHash + ".lm32");
}
