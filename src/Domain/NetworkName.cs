namespace EmotionRecognition.Domain;

/// <summary>
/// The network a route names, parsed once where the request arrives: the text as the client wrote it (error
/// messages quote it) and the network it names, or null for a name that is none (the validators answer 400).
/// </summary>
public readonly record struct NetworkName(string Text, NetworkType? Network)
{
    public static NetworkName Parse(string? text) => new(text ?? "", NetworkTypes.TryParse(text, out var network) ? network : null);

    /// <summary>Route binding: every text is a name; whether it names a network is the validators' call.</summary>
    public static bool TryParse(string? text, out NetworkName name)
    {
        name = Parse(text);
        return true;
    }

    /// <summary>The network of a validated message.</summary>
    /// <exception cref="InvalidOperationException">The name reached a handler without validation.</exception>
    public NetworkType Validated => Network ?? throw new InvalidOperationException($"'{Text}' reached a handler without validation.");

    public override string ToString() => Text;
}
