using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Timeline;
using EmotionRecognition.Domain;
using Mediator;

namespace EmotionRecognition.Application.UseCases;

/// <summary>
/// The emotion timeline of a recording: speech segments found by the voice-activity detector
/// (<see cref="SpeechStream"/>), each classified by <paramref name="NetworkType"/> (<see cref="SegmentClassifier"/>).
/// </summary>
/// <param name="NetworkType">"CNN", "DNN" or "CRNN", any case.</param>
/// <param name="Audio">The file's bytes; anything we cannot decode is an <see cref="InvalidAudioException"/>.</param>
public sealed record PredictTimeline(string NetworkType, byte[] Audio) : IQuery<EmotionTimeline>;

public sealed class PredictTimelineHandler(
    IEmotionClassifier classifier, IVoiceActivityDetector detector, SegmentClassifier segments, PredictionMetrics metrics, SegmentationOptions options)
    : IQueryHandler<PredictTimeline, EmotionTimeline>
{
    /// <summary>Audio is fed to the detector a second at a time, as a live stream would arrive.</summary>
    private const double ChunkSeconds = 1.0;

    public async ValueTask<EmotionTimeline> Handle(PredictTimeline query, CancellationToken ct)
    {
        var network = ServedProfile.ParseValidated(query.NetworkType);
        var models = classifier.Current;
        models.Describe(network);
        var clip = WavReader.Read(query.Audio);
        if (clip.DurationSeconds > options.MaxRecordingSeconds)
        {
            throw new InvalidAudioException($"The recording lasts {clip.DurationSeconds:0.#} s, longer than the timeline's limit of {options.MaxRecordingSeconds:0.#} s.");
        }

        var found = new List<TimelineSegment>();
        using var stream = new SpeechStream(detector, options, clip.SampleRateHz);
        var chunk = Math.Max(1, (int)(clip.SampleRateHz * ChunkSeconds));
        for (int start = 0; start < clip.Samples.Length; start += chunk)
        {
            ct.ThrowIfCancellationRequested();
            var samples = clip.Samples.AsSpan(start, Math.Min(chunk, clip.Samples.Length - start));
            await ClassifyFinals(stream.Push(samples), models, network, found, ct);
        }
        await ClassifyFinals(stream.Finish(), models, network, found, ct);
        metrics.Predicted(network, InputKind.Audio, found.Count);
        return new EmotionTimeline(clip.DurationSeconds, found);
    }

    private async ValueTask ClassifyFinals(IReadOnlyList<SegmentAudio> cut, IModelSet models, NetworkType network, List<TimelineSegment> found, CancellationToken ct)
    {
        foreach (var segment in cut)
        {
            if (!segment.Event.IsPartial)
                found.Add(new TimelineSegment(segment.Event.Segment, await segments.ClassifyAsync(models, network, segment.Clip, ct)));
        }
    }
}
