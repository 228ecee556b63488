namespace EmotionRecognition.Application.Abstractions;

/// <summary>No model set is loaded; the message says why. Maps to 503.</summary>
public sealed class ModelsUnavailableException(string reason) : Exception(reason);

/// <summary>The loaded set has no model for the requested network. Maps to 404/400.</summary>
public sealed class NetworkNotAvailableException(string message) : Exception(message);
