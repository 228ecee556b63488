using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Audio;

namespace EmotionRecognition.Application.Timeline;

/// <summary>A segment the <see cref="SpeechStream"/> found, with its audio at the stream's own sample rate.</summary>
public sealed record SegmentAudio(SegmentEvent Event, AudioClip Clip);

/// <summary>
/// One recording's or live stream's way from samples to speech segments: the audio is resampled to the
/// detector's rate piece by piece (<see cref="StreamingResampler"/>), the detector gives a speech
/// probability per window, <see cref="SpeechSegmenter"/> turns those into segments, and each segment's
/// samples are cut, at the original rate, from a bounded history of the input. Memory is bounded by
/// that history (the longest segment plus the widening and the resampler's block), however long the
/// stream: nothing but the segment being reported is ever held as more than raw samples.
/// Not thread-safe: one instance per recording or stream.
/// </summary>
public sealed class SpeechStream : IDisposable
{
    private readonly int _sampleRateHz;
    private readonly StreamingResampler _resampler;
    private readonly IVoiceActivitySession _detector;
    private readonly SpeechSegmenter _segmenter;
    private readonly float[] _history;  // ring buffer of the last _history.Length input samples
    private long _samplesIn;            // input samples pushed so far
    private readonly List<SegmentEvent> _events = [];

    public SpeechStream(IVoiceActivityDetector detector, SegmentationOptions options, int sampleRateHz)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRateHz);
        _sampleRateHz = sampleRateHz;
        _resampler = new StreamingResampler(sampleRateHz, detector.SampleRateHz);
        _segmenter = new SpeechSegmenter(options, (double)detector.WindowSamples / detector.SampleRateHz);
        // A segment reaches back at most its maximum length plus the widening from now; the detector lags the
        // input by the resampler's block and margins (under a second) and one window.
        var seconds = options.MaxSegmentSeconds + options.MinSegmentSeconds + options.PaddingAfterSeconds + 2;
        _history = new float[checked((int)Math.Ceiling(seconds * sampleRateHz))];
        _detector = detector.StartSession();
    }

    /// <summary>Seconds of audio pushed so far.</summary>
    public double SecondsIn => (double)_samplesIn / _sampleRateHz;

    /// <summary>Appends samples (full scale ±1); returns the segments and partials they complete.</summary>
    public IReadOnlyList<SegmentAudio> Push(ReadOnlySpan<float> samples)
    {
        _events.Clear();
        Remember(samples);
        Detect(_resampler.Push(samples));
        return Cut();
    }

    /// <summary>The input has ended: the segments still open or waiting for their end.</summary>
    public IReadOnlyList<SegmentAudio> Finish()
    {
        _events.Clear();
        Detect(_resampler.Finish());
        // The detector only judges whole windows; the tail shorter than one is silence to it.
        _segmenter.Finish(_events);
        return Cut();
    }

    public void Dispose() => _detector.Dispose();

    private void Detect(float[] samplesAtDetectorRate)
    {
        foreach (var probability in _detector.Process(samplesAtDetectorRate))
            _segmenter.Push(probability, _events);
    }

    private void Remember(ReadOnlySpan<float> samples)
    {
        if (samples.Length >= _history.Length)
        {
            _samplesIn += samples.Length - _history.Length;
            samples = samples[^_history.Length..];
        }
        while (!samples.IsEmpty)
        {
            var at = (int)(_samplesIn % _history.Length);
            var take = Math.Min(samples.Length, _history.Length - at);
            samples[..take].CopyTo(_history.AsSpan(at));
            samples = samples[take..];
            _samplesIn += take;
        }
    }

    private SegmentAudio[] Cut()
    {
        if (_events.Count == 0)
            return [];
        var cut = new SegmentAudio[_events.Count];
        for (int i = 0; i < cut.Length; i++)
            cut[i] = new SegmentAudio(_events[i], new AudioClip(Samples(_events[i].Segment), _sampleRateHz));
        return cut;
    }

    /// <summary>The input samples of <paramref name="segment"/>, as far as the history still holds them.</summary>
    private float[] Samples(SpeechSegment segment)
    {
        var oldest = Math.Max(0, _samplesIn - _history.Length);
        var start = Math.Clamp((long)Math.Round(segment.StartSeconds * _sampleRateHz), oldest, _samplesIn);
        var end = Math.Clamp((long)Math.Round(segment.EndSeconds * _sampleRateHz), start, _samplesIn);
        var samples = new float[end - start];
        for (long s = start; s < end;)
        {
            var at = (int)(s % _history.Length);
            var take = (int)Math.Min(end - s, _history.Length - at);
            _history.AsSpan(at, take).CopyTo(samples.AsSpan((int)(s - start)));
            s += take;
        }
        return samples;
    }
}
