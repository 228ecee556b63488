namespace EmotionRecognition.Application.Timeline;

/// <summary>
/// How speech probabilities become segments (configuration section <c>Timeline</c>). The thresholds are
/// Silero's own defaults (speech from 0.5, silence below 0.5 − 0.15); the lengths suit the classifiers,
/// which were trained on 3–5 s sentences: under a second they hear too little, and one label for much
/// more than 8 s hides the changes a timeline is for.
/// </summary>
public sealed record SegmentationOptions
{
    public const string Section = "Timeline";

    /// <summary>A window at or above this speech probability starts (or continues) speech.</summary>
    public float SpeechThreshold { get; init; } = 0.5f;

    /// <summary>Only windows below this count as silence; between the two thresholds speech goes on (hysteresis).</summary>
    public float SilenceThreshold { get; init; } = 0.35f;

    /// <summary>Silence must last this long (seconds) to end speech; shorter gaps are breaths inside an utterance.</summary>
    public double MinSilenceSeconds { get; init; } = 0.3;

    /// <summary>Speech shorter than this (seconds) is dropped as a click or a cough.</summary>
    public double MinSpeechSeconds { get; init; } = 0.25;

    /// <summary>
    /// Seconds of audio kept before the detected speech. More than after it: Silero's probability rises about
    /// 0.15 s after a sentence's first sound (median on joined RAVDESS sentences, docs/timeline.md), so without
    /// it every segment would lose its first syllable's onset.
    /// </summary>
    public double PaddingBeforeSeconds { get; init; } = 0.25;

    /// <summary>Seconds of audio kept after the detected speech, so final consonants stay in.</summary>
    public double PaddingAfterSeconds { get; init; } = 0.1;

    /// <summary>A shorter segment is widened around its centre to this length (seconds), within the recording.</summary>
    public double MinSegmentSeconds { get; init; } = 1.0;

    /// <summary>Longer speech is cut into segments of this length (seconds).</summary>
    public double MaxSegmentSeconds { get; init; } = 8.0;

    /// <summary>Each cut segment starts this many seconds before the previous one ended, so no word is only ever heard cut in two.</summary>
    public double OverlapSeconds { get; init; } = 1.0;

    /// <summary>During speech a partial segment (from the segment's start to now) is reported at least this often (seconds).</summary>
    public double PartialEverySeconds { get; init; } = 2.0;

    /// <summary>Longest recording the timeline route takes, in seconds (422 beyond it).</summary>
    public double MaxRecordingSeconds { get; init; } = 600;

    /// <summary>
    /// Longest a timeline request may take (408 after it), in place of the server's shorter default: ten minutes
    /// of audio cost 10-13 CPU seconds with the CRNN, several times that in wall time on a busy machine.
    /// </summary>
    public double RequestTimeoutSeconds { get; init; } = 120;
}
