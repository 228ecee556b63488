namespace EmotionRecognition.Application.Features;

/// <summary>A clip as a CRNN set reads it (<see cref="FeaturePipeline.ExtractSpeech"/>).</summary>
/// <param name="Sequence">The prepared network input (<see cref="FeaturePipeline.ExtractSequence"/>).</param>
/// <param name="Functionals">The clip's <see cref="ClipFunctionals"/>; null for a profile without pitch rows.</param>
public sealed record SpeechFeatures(FeatureMatrix Sequence, float[]? Functionals);
