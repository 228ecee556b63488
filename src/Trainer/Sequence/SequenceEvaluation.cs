using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Classification;
using EmotionRecognition.Trainer.Cli;
using EmotionRecognition.Trainer.Corpus;

using EmotionRecognition.Trainer.Training;

namespace EmotionRecognition.Trainer.Sequence;

/// <summary>
/// A saved sequence network (CRNN) on a file, for <c>predict</c>: audio goes through
/// <see cref="FeaturePipeline.ExtractSequence"/> with the profile in the network's manifest entry, exactly as the Api does it.
/// </summary>
internal static class SequenceEvaluation
{
    /// <summary>The probabilities for one WAV file's bytes.</summary>
    public static float[] Predict(TorchModelSet set, NetworkType network, byte[] wav)
    {
        var profile = set.Describe(network).Profile;
        var speech = new FeaturePipeline(profile).ExtractSpeech(WavReader.Read(wav));
        return set.PredictSequence(network, speech.Sequence, speech.Functionals);
    }
}
