namespace EmotionRecognition.Domain;

/// <summary>One emotion with the probability a model gave it.</summary>
public sealed record EmotionPrediction(Emotion Emotion, float Probability);
