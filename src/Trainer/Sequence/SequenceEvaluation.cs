using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Audio;
using EmotionRecognition.Infrastructure.Classification;
using EmotionRecognition.Trainer.Cli;
using EmotionRecognition.Trainer.Corpus;

using EmotionRecognition.Trainer.Training;

namespace EmotionRecognition.Trainer.Sequence;

/// <summary>
/// Saved sequence networks (CRNN) on files, for <c>evaluate</c> and <c>predict</c>: audio goes through
/// <see cref="AudioClassifier"/> with the profile in the network's manifest entry, exactly as the Api does it.
/// </summary>
public static class SequenceEvaluation
{
    /// <summary>The probabilities for one WAV file's bytes.</summary>
    public static float[] Predict(TorchModelSet set, NetworkType network, byte[] wav)
    {
        return set.ClassifyAsync(network, AudioDecoding.ForLocalFiles.Decode(wav)).AsTask().GetAwaiter().GetResult();
    }

    /// <summary>
    /// The predicted class of each clip (in the given order), sequence features read through the cache.
    /// A clip whose audio the sequence extraction cannot read is an <see cref="InvalidDataException"/>
    /// naming it, since the clips passed in were already read once.
    /// </summary>
    public static int[] PredictClasses(
        TorchModelSet set, NetworkType network, string root, IReadOnlyList<LabeledClip> clips, string cachePath, IProgressReporter progress, CancellationToken ct)
    {
        var profile = set.Describe(network).Profile;
        var scan = new CorpusScan(root, clips.Select(c => new CorpusFile(c.Path, c.Name)).ToArray(), []);
        var sequences = new SequenceFeatureReader(profile, cachePath).Read(scan, progress, ct);
        if (sequences.Skipped.Count > 0)
        {
            throw new InvalidDataException($"{sequences.Skipped[0].Path}: {sequences.Skipped[0].Reason}");
        }
        return sequences.Clips.Select(c => Probabilities.ArgMax(set.ClassifyAsync(network, new SpeechSequence(c.Features, c.Functionals)).AsTask().GetAwaiter().GetResult())).ToArray();
    }
}
