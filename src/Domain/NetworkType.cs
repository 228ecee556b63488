namespace EmotionRecognition.Domain;

/// <summary>The networks a client can ask for in <c>POST /prediction/{networkType}</c>.</summary>
public enum NetworkType
{
    /// <summary>1-D convolutional network over the 25 averaged MFCCs (the original contract).</summary>
    Cnn,

    /// <summary>Dense network over the 25 averaged MFCCs (the original contract).</summary>
    Dnn,

    /// <summary>
    /// Convolutional-recurrent network over the log-mel sequence of the whole clip, which the server
    /// extracts itself: audio requests only.
    /// </summary>
    Crnn,
}

public static class NetworkTypes
{
    public static IReadOnlyList<NetworkType> All { get; } = Enum.GetValues<NetworkType>();

    /// <summary>The networks of the original contract, which take the averaged-MFCC vector (<c>{"mfccs":[…]}</c>) as well as audio.</summary>
    public static IReadOnlyList<NetworkType> MfccVector { get; } = [NetworkType.Cnn, NetworkType.Dnn];

    /// <summary>Whether <paramref name="network"/> takes an averaged-MFCC vector; the others classify audio only.</summary>
    public static bool TakesMfccVector(this NetworkType network) => MfccVector.Contains(network);

    public static string MfccVectorNames => string.Join(", ", MfccVector.Select(Name));

    /// <summary>The upper-case name used in routes, file names and manifests: "CNN", "DNN", "CRNN".</summary>
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
