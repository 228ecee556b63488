using EmotionRecognition.Domain;

namespace EmotionRecognition.Trainer.Corpus;

/// <summary>
/// One usable clip of the corpus: its file, label, speaker and content hash, and what one kind of network reads of it: the
/// MFCC vector as served (<c>float[]</c>, CNN and DNN) or the <see cref="Sequence.SequenceExample"/> (CRNN).
/// </summary>
internal sealed record LabeledClip<TFeatures>(string Path, RavdessFileName Name, string ContentHash, TFeatures Features)
{
    public Emotion Emotion => Name.Emotion;

    public int Actor => Name.Actor;

    public CorpusFile File => new(Path, Name);
}

/// <summary>Turns a WAV file's bytes into a feature vector; in production <see cref="FeatureExtractors.Mean"/>.</summary>
internal delegate float[] ExtractFeatures(byte[] wav);
