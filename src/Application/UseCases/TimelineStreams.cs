using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Application.Timeline;
using EmotionRecognition.Domain;
using FluentValidation;

namespace EmotionRecognition.Application.UseCases;

/// <summary>What a timeline stream is asked for: a network, and the sample rate of the audio that will follow.</summary>
public sealed record StartTimelineStream(NetworkName Network, int SampleRateHz);

public sealed class StartTimelineStreamValidator : AbstractValidator<StartTimelineStream>
{
    public StartTimelineStreamValidator()
    {
        RuleFor(q => q.Network).MustBeNetworkType();
        RuleFor(q => q.SampleRateHz).InclusiveBetween(FeaturePipeline.MinSampleRateHz, FeaturePipeline.MaxSampleRateHz)
            .WithMessage($"The sample rate must be between {FeaturePipeline.MinSampleRateHz} and {FeaturePipeline.MaxSampleRateHz} Hz.")
            .OverridePropertyName("sampleRate");
    }
}

/// <summary>A segment the stream classified: final once its speech ended, partial while it goes on.</summary>
public sealed record ClassifiedSegment(TimelineSegment Segment, bool IsPartial);

/// <summary>
/// Starts timelines over audio that arrives piece by piece: a live stream, or a recording fed a second
/// at a time (<see cref="PredictTimelineHandler"/>), so both take one road from samples to segments.
/// </summary>
public sealed class TimelineStreams(
    IEmotionClassifier classifier, IVoiceActivityDetector detector, SegmentationOptions options, IValidator<StartTimelineStream> validator)
{
    public SegmentationOptions Options => options;

    /// <summary>
    /// The checks of <see cref="Start"/>, the sample rate's only when it is known already: lets a stream be refused
    /// before its connection is accepted, when its rate may be still to come.
    /// </summary>
    public void Check(NetworkName network, int? sampleRateHz)
    {
        validator.ValidateAndThrow(new StartTimelineStream(network, sampleRateHz ?? FeaturePipeline.MinSampleRateHz));
        classifier.Current.Describe(network.Validated);
    }

    /// <summary>
    /// Checks the request (a <see cref="ValidationException"/> when invalid) and that the set serving now has the
    /// network (<see cref="ModelsUnavailableException"/>, <see cref="NetworkNotAvailableException"/>); the stream keeps
    /// that set to its end, so a reload never changes the model in the middle of a conversation.
    /// </summary>
    /// <param name="partials">Classify partial segments too (live use); a recording needs only the final ones.</param>
    public TimelineStream Start(StartTimelineStream request, bool partials)
    {
        validator.ValidateAndThrow(request);
        var network = request.Network.Validated;
        var models = classifier.Current;
        models.Describe(network);
        return new TimelineStream(new SpeechStream(detector, options, request.SampleRateHz), models, network, partials);
    }
}

/// <summary>
/// One stream's timeline: samples in, classified segments out, in order. Keeps only the running
/// duration-weighted sums for the summary, so its memory does not grow with the stream's length.
/// Not thread-safe: one caller at a time.
/// </summary>
public sealed class TimelineStream(SpeechStream speech, IModelSet models, NetworkType network, bool partials) : IDisposable
{
    private readonly double[] _weightedSums = new double[Emotions.Count];
    private double _speechSeconds;

    public NetworkType Network => network;

    /// <summary>Seconds of audio received so far.</summary>
    public double DurationSeconds => speech.SecondsIn;

    /// <summary>Final segments so far.</summary>
    public int SegmentCount { get; private set; }

    /// <summary>The duration-weighted mean of the final segments so far; empty before the first.</summary>
    public IReadOnlyList<EmotionPrediction> Summary => _speechSeconds <= 0
        ? []
        : Emotions.InLabelOrder.Select((e, i) => new EmotionPrediction(e, (float)(_weightedSums[i] / _speechSeconds))).ToArray();

    /// <summary>Appends samples (full scale ±1) and classifies the segments they complete.</summary>
    public ValueTask<IReadOnlyList<ClassifiedSegment>> PushAsync(ReadOnlySpan<float> samples, CancellationToken ct) =>
        ClassifyAsync(speech.Push(samples), ct);

    /// <summary>The audio has ended: classifies what was still open.</summary>
    public ValueTask<IReadOnlyList<ClassifiedSegment>> FinishAsync(CancellationToken ct) => ClassifyAsync(speech.Finish(), ct);

    public void Dispose() => speech.Dispose();

    private async ValueTask<IReadOnlyList<ClassifiedSegment>> ClassifyAsync(IReadOnlyList<SegmentAudio> cut, CancellationToken ct)
    {
        if (cut.Count == 0)
            return [];
        var classified = new List<ClassifiedSegment>(cut.Count);
        foreach (var segment in cut)
        {
            if (segment.Event.IsPartial && !partials)
                continue;
            var predictions = await models.ClassifySegmentAsync(network, segment.Clip, ct);
            if (!segment.Event.IsPartial)
            {
                var seconds = segment.Event.Segment.DurationSeconds;
                for (int i = 0; i < _weightedSums.Length; i++)
                    _weightedSums[i] += predictions[i].Probability * seconds;
                _speechSeconds += seconds;
                SegmentCount++;
            }
            classified.Add(new ClassifiedSegment(new TimelineSegment(segment.Event.Segment, predictions), segment.Event.IsPartial));
        }
        return classified;
    }
}
