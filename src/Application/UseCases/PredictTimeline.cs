using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Timeline;
using EmotionRecognition.Domain;
using Mediator;

namespace EmotionRecognition.Application.UseCases;

/// <summary>
/// The emotion timeline of a recording: speech segments found by the voice-activity detector
/// (<see cref="SpeechStream"/>), each classified by <paramref name="Network"/> (<see cref="SegmentClassifier"/>).
/// </summary>
/// <param name="Network">CNN, DNN or CRNN, any case, as it appears in the route.</param>
/// <param name="Audio">The file's bytes; anything we cannot decode is an <see cref="InvalidAudioException"/>.</param>
public sealed record PredictTimeline(NetworkName Network, byte[] Audio) : IQuery<EmotionTimeline>;

public sealed class PredictTimelineHandler(TimelineStreams streams, PredictionMetrics metrics, IExternalAudioDecoder external)
    : IQueryHandler<PredictTimeline, EmotionTimeline>
{
    /// <summary>
    /// The service's decoder with the timeline's longer limits: the recording's length, and as many samples as that
    /// length of 48 kHz stereo holds (the decoder's own default is sized for one 60-s utterance).
    /// </summary>
    private readonly AudioDecoder _decoder = new(external, new AudioLimits
    {
        MaxSeconds = streams.Options.MaxRecordingSeconds,
        MaxOutputSamples = (long)Math.Ceiling(streams.Options.MaxRecordingSeconds * 48_000 * 2),
        DecodeTimeout = TimeSpan.FromSeconds(60),
    });

    /// <summary>Audio is fed to the detector a second at a time, as a live stream arrives.</summary>
    private const double ChunkSeconds = 1.0;

    public async ValueTask<EmotionTimeline> Handle(PredictTimeline query, CancellationToken ct)
    {
        var clip = _decoder.Decode(query.Audio, ct);
        var limit = streams.Options.MaxRecordingSeconds;
        if (clip.DurationSeconds > limit)
        {
            throw new InvalidAudioException($"The recording lasts {clip.DurationSeconds:0.#} s, longer than the timeline's limit of {limit:0.#} s.");
        }
        using var stream = streams.Start(new StartTimelineStream(query.Network, clip.SampleRateHz), partials: false);
        var found = new List<TimelineSegment>();
        var chunk = Math.Max(1, (int)(clip.SampleRateHz * ChunkSeconds));
        for (int start = 0; start < clip.Samples.Length; start += chunk)
        {
            ct.ThrowIfCancellationRequested();
            var segments = await stream.PushAsync(clip.Samples.AsSpan(start, Math.Min(chunk, clip.Samples.Length - start)), ct);
            found.AddRange(segments.Select(s => s.Segment));
        }
        found.AddRange((await stream.FinishAsync(ct)).Select(s => s.Segment));
        metrics.Predicted(stream.Network, InputKind.Audio, found.Count);
        return new EmotionTimeline(clip.DurationSeconds, found);
    }
}
