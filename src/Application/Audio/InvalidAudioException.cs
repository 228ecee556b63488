namespace EmotionRecognition.Application.Audio;

/// <summary>The one error for audio we cannot decode; the message names the problem.</summary>
public sealed class InvalidAudioException(string message) : Exception(message);
