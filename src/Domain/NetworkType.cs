namespace EmotionRecognition.Domain;

/// <summary>The networks a client can ask for in <c>POST /prediction/{networkType}</c>.</summary>
public enum NetworkType
{
    /// <summary>1-D convolutional network over the 25 averaged MFCCs (the original contract).</summary>
    Cnn,

    /// <summary>Dense network over the 25 averaged MFCCs (the original contract).</summary>
    Dnn,
}

public static class NetworkTypes
{
    public static IReadOnlyList<NetworkType> All { get; } = Enum.GetValues<NetworkType>();

    /// <summary>The upper-case name used in routes, file names and manifests: "CNN", "DNN".</summary>
    public static string Name(this NetworkType network) => network.ToString().ToUpperInvariant();

    public static string ValidNames => string.Join(", ", All.Select(Name));

    /// <summary>Case-insensitive, as the original service accepted "cnn" and "CNN" alike.</summary>
    public static bool TryParse(string? text, out NetworkType network)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Name(), text, StringComparison.OrdinalIgnoreCase))
            {
                network = candidate;
                return true;
            }
        }
        network = default;
        return false;
    }
}
