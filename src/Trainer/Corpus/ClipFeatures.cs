using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Trainer.Cli;

namespace EmotionRecognition.Trainer.Corpus;

/// <summary>One usable clip: its label, speaker and feature vector.</summary>
internal sealed record LabeledClip(string Path, RavdessFileName Name, string ContentHash, float[] Features)
{
    public Emotion Emotion => Name.Emotion;

    public int Actor => Name.Actor;
}

/// <summary>The clips whose features could be extracted, the files left out, and cache statistics.</summary>
internal sealed record FeatureSet(
    FeatureProfile Profile,
    IReadOnlyList<LabeledClip> Clips,
    IReadOnlyList<SkippedFile> Skipped,
    int CacheHits,
    int Extracted)
{
    public string Fingerprint => FeatureCache.Fingerprint(Clips.Select(c => c.ContentHash));

    public IReadOnlyList<int> Actors => Clips.Select(c => c.Actor).Distinct().Order().ToArray();
}

/// <summary>Turns a WAV file's bytes into a feature vector; in production <see cref="FeatureExtractors.Mean"/>.</summary>
internal delegate float[] ExtractFeatures(byte[] wav);
