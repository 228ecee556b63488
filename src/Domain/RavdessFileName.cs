namespace EmotionRecognition.Domain;

public enum VocalChannel
{
    Speech = 1,
    Song = 2,
}

public enum Intensity
{
    Normal = 1,
    Strong = 2,
}

/// <summary>
/// The seven fields of a RAVDESS file name, e.g. <c>03-01-06-01-02-01-12.wav</c>:
/// modality - vocal channel - emotion - intensity - statement - repetition - actor.
/// </summary>
public sealed record RavdessFileName(
    int Modality,
    VocalChannel VocalChannel,
    Emotion Emotion,
    Intensity Intensity,
    int Statement,
    int Repetition,
    int Actor)
{
    /// <summary>03 = audio only; the only modality that holds WAV speech.</summary>
    public const int AudioOnly = 3;

    /// <summary>Odd actors are male, even actors female.</summary>
    public bool IsFemaleActor => Actor % 2 == 0;

    /// <summary>Parses a file name (with or without folder and extension); false for anything that is not a valid RAVDESS name.</summary>
    public static bool TryParse(string? path, out RavdessFileName? name)
    {
        name = null;
        if (string.IsNullOrWhiteSpace(path))
        {
            return false;
        }
        var stem = Path.GetFileNameWithoutExtension(path);
        var parts = stem.Split('-');
        if (parts.Length != 7)
        {
            return false;
        }
        var fields = new int[7];
        for (int i = 0; i < 7; i++)
        {
            if (parts[i].Length != 2 || !int.TryParse(parts[i], System.Globalization.NumberStyles.None, null, out fields[i]))
            {
                return false;
            }
        }
        if (fields[0] is < 1 or > 3
            || fields[1] is not (1 or 2)
            || !Emotions.TryFromRavdessCode(fields[2], out var emotion)
            || fields[3] is not (1 or 2)
            || fields[4] is not (1 or 2)
            || fields[5] is not (1 or 2)
            || fields[6] is < 1 or > 24)
        {
            return false;
        }
        // RAVDESS has no strong-intensity neutral clips.
        if (emotion == Emotion.Neutral && fields[3] == 2)
        {
            return false;
        }
        name = new RavdessFileName(fields[0], (VocalChannel)fields[1], emotion, (Intensity)fields[3], fields[4], fields[5], fields[6]);
        return true;
    }
}
