namespace EmotionRecognition.Application.Features;

/// <summary>What a network reads of one clip: the profile's output of a <see cref="SpeechAnalysis"/>.</summary>
public abstract record NetworkInput;

/// <summary>The averaged MFCCs the CNN and DNN take (the original contract's <c>{"mfccs":[…]}</c>).</summary>
/// <param name="Mfccs"><see cref="FeatureProfile.CoefficientCount"/> values.</param>
public sealed record MfccVector(float[] Mfccs) : NetworkInput;

/// <summary>A clip as a sequence network (CRNN) reads it.</summary>
/// <param name="Sequence">The trimmed, per-utterance normalised log-mel, with pitch rows below it for a pitch profile.</param>
/// <param name="Functionals">The clip's <see cref="ClipFunctionals"/>; null for a profile without pitch rows.</param>
public sealed record SpeechSequence(FeatureMatrix Sequence, float[]? Functionals) : NetworkInput;
