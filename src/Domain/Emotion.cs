namespace EmotionRecognition.Domain;

/// <summary>
/// The eight RAVDESS emotions. The declaration order is alphabetical and is the
/// one label order of every model output and every API response.
/// </summary>
public enum Emotion
{
    Angry,
    Calm,
    Disgust,
    Fearful,
    Happy,
    Neutral,
    Sad,
    Surprised,
}

public static class Emotions
{
    /// <summary>All emotions in label order (alphabetical): index i is model output i.</summary>
    public static IReadOnlyList<Emotion> InLabelOrder { get; } = Enum.GetValues<Emotion>();

    public static int Count => InLabelOrder.Count;

    private static readonly string[] Labels = InLabelOrder.Select(e => e.ToString().ToLowerInvariant()).ToArray();

    /// <summary>The lower-case label the API answers with: "angry", "calm", …</summary>
    public static string Label(this Emotion emotion) => Labels[(int)emotion];

    public static IReadOnlyList<string> AllLabels => Labels;

    public static bool TryParseLabel(string? label, out Emotion emotion)
    {
        int index = label is null ? -1 : Array.IndexOf(Labels, label.ToLowerInvariant());
        emotion = index < 0 ? default : (Emotion)index;
        return index >= 0;
    }

    /// <summary>RAVDESS file-name emotion codes: 01 neutral, 02 calm, 03 happy, 04 sad, 05 angry, 06 fearful, 07 disgust, 08 surprised.</summary>
    public static bool TryFromRavdessCode(int code, out Emotion emotion)
    {
        emotion = code switch
        {
            1 => Emotion.Neutral,
            2 => Emotion.Calm,
            3 => Emotion.Happy,
            4 => Emotion.Sad,
            5 => Emotion.Angry,
            6 => Emotion.Fearful,
            7 => Emotion.Disgust,
            8 => Emotion.Surprised,
            _ => (Emotion)(-1),
        };
        return (int)emotion >= 0;
    }
}
