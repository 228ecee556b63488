using EmotionRecognition.Application.Audio;

namespace EmotionRecognition.Trainer.Conditions;

/// <summary>
/// A recording condition: one way a real recording differs from RAVDESS's studio clips, applied to a clean clip.
/// <see cref="Apply"/> is a pure function of (clean, seed, others): the same inputs give the same samples bit for bit,
/// the output is a new mono clip at the clean clip's rate with finite samples, and the input is never written.
/// </summary>
/// <param name="Name">Stable and human-readable ("white noise 20 dB"); it names the condition in reports and seeds its draws.</param>
internal abstract record Condition(string Name)
{
    public abstract AudioClip Apply(AudioClip clean, int seed, ISpeechSource others);
}

/// <summary>Other speakers' clean speech, for babble; the caller leaves out the clip's own speaker.</summary>
internal interface ISpeechSource
{
    AudioClip Draw(Random random);
}

/// <summary>Draws uniformly from a fixed list of clips.</summary>
internal sealed class ClipSpeechSource : ISpeechSource
{
    private readonly IReadOnlyList<AudioClip> _clips;

    public ClipSpeechSource(IReadOnlyList<AudioClip> clips)
    {
        if (clips.Count == 0)
            throw new ArgumentException("A speech source needs at least one clip.", nameof(clips));
        _clips = clips;
    }

    public AudioClip Draw(Random random) => _clips[random.Next(_clips.Count)];
}

/// <summary>One condition after another (noise, then a quiet microphone); the second gets a seed of its own.</summary>
internal sealed record Chain(Condition First, Condition Then) : Condition($"{First.Name}, then {Then.Name}")
{
    public override AudioClip Apply(AudioClip clean, int seed, ISpeechSource others) =>
        Then.Apply(First.Apply(clean, seed, others), RecordingConditions.Seed(seed.ToString(System.Globalization.CultureInfo.InvariantCulture), Then.Name, "chain"), others);
}
