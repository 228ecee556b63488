namespace EmotionRecognition.Application.Timeline;

/// <summary>
/// Turns a voice-activity detector's speech probabilities, one per window, into speech segments as they
/// arrive: the same code cuts a whole recording and a live stream. Hysteresis (speech from
/// <see cref="SegmentationOptions.SpeechThreshold"/>, silence only below <see cref="SegmentationOptions.SilenceThreshold"/>)
/// and a minimum silence keep a breath or a plosive's closure from splitting an utterance; then padding,
/// a minimum length (widened about the centre) and a maximum length (cut with overlap) shape what the
/// classifiers hear. A final segment is reported once its end has been seen (up to its padding or
/// widening); during speech a partial is reported every <see cref="SegmentationOptions.PartialEverySeconds"/>.
/// <para>
/// Everything is counted in windows (integers) and converted to seconds only in what it reports, so
/// chunking cannot move a boundary. Not thread-safe: one instance per recording or stream.
/// </para>
/// </summary>
public sealed class SpeechSegmenter
{
    private readonly double _windowSeconds;
    private readonly float _speechThreshold;
    private readonly float _silenceThreshold;
    private readonly int _minSilence;
    private readonly int _minSpeech;
    private readonly int _paddingBefore;
    private readonly int _paddingAfter;
    private readonly int _minSegment;
    private readonly int _maxSegment;
    private readonly int _overlap;
    private readonly int _partialEvery;

    private readonly Queue<(int Start, int End)> _waitingForTheirEnd = new();
    private int _windows;           // windows seen so far
    private bool _inSpeech;
    private int _speechStart;       // first speech window of the current utterance
    private int _silenceStart = -1; // first window of the silence run inside speech, or -1
    private int _segmentStart;      // start of the segment being built (padded, or where a cut put it)
    private bool _afterCut;         // the segment being built continues a cut one: it is kept however short
    private int _lastReport;        // window at which the last partial or cut was reported

    /// <param name="windowSeconds">Duration of one detector window (512 samples at 16 kHz: 0.032 s).</param>
    public SpeechSegmenter(SegmentationOptions options, double windowSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(windowSeconds);
        if (options.SilenceThreshold > options.SpeechThreshold)
            throw new ArgumentException("The silence threshold must not exceed the speech threshold.", nameof(options));
        if (options.OverlapSeconds >= options.MaxSegmentSeconds || options.MinSegmentSeconds > options.MaxSegmentSeconds)
            throw new ArgumentException("Overlap and minimum length must be shorter than the maximum segment.", nameof(options));
        _windowSeconds = windowSeconds;
        _speechThreshold = options.SpeechThreshold;
        _silenceThreshold = options.SilenceThreshold;
        _minSilence = Math.Max(1, Windows(options.MinSilenceSeconds));
        _minSpeech = Math.Max(1, Windows(options.MinSpeechSeconds));
        _paddingBefore = Windows(options.PaddingBeforeSeconds);
        _paddingAfter = Math.Min(Windows(options.PaddingAfterSeconds), _minSilence);  // the end's padding is then always already heard
        _minSegment = Windows(options.MinSegmentSeconds);
        _maxSegment = Math.Max(2, Windows(options.MaxSegmentSeconds));
        _overlap = Math.Min(Windows(options.OverlapSeconds), _maxSegment - 1);
        _partialEvery = Math.Max(1, Windows(options.PartialEverySeconds));
    }

    /// <summary>Seconds of audio whose probabilities have been pushed.</summary>
    public double SecondsSeen => _windows * _windowSeconds;

    /// <summary>The final segments of a whole recording's probabilities (partials are only for live use).</summary>
    public static IReadOnlyList<SpeechSegment> Segment(IEnumerable<float> probabilities, SegmentationOptions options, double windowSeconds)
    {
        var segmenter = new SpeechSegmenter(options, windowSeconds);
        var events = new List<SegmentEvent>();
        foreach (var p in probabilities)
            segmenter.Push(p, events);
        segmenter.Finish(events);
        return events.Where(e => !e.IsPartial).Select(e => e.Segment).ToArray();
    }

    /// <summary>Takes the next window's speech probability; appends any segment it completes to <paramref name="events"/>.</summary>
    public void Push(float probability, List<SegmentEvent> events)
    {
        var window = _windows++;
        if (!_inSpeech)
        {
            if (probability >= _speechThreshold)
            {
                _inSpeech = true;
                _speechStart = window;
                _segmentStart = Math.Max(0, window - _paddingBefore);
                _silenceStart = -1;
                _afterCut = false;
                _lastReport = window;
            }
        }
        else if (probability < _silenceThreshold)
        {
            if (_silenceStart < 0)
                _silenceStart = window;
            if (_windows - _silenceStart >= _minSilence)
                EndSpeech(_silenceStart);
        }
        else if (probability >= _speechThreshold)
        {
            _silenceStart = -1;
        }

        if (_inSpeech)
        {
            if (_windows - _segmentStart >= _maxSegment)
            {
                events.Add(Final(_segmentStart, _segmentStart + _maxSegment));
                _segmentStart += _maxSegment - _overlap;
                _afterCut = true;
                _lastReport = _windows;
            }
            else if (_windows - _lastReport >= _partialEvery)
            {
                events.Add(new SegmentEvent(Seconds(_segmentStart, _windows), IsPartial: true));
                _lastReport = _windows;
            }
        }
        ReportThoseWhoseEndIsSeen(events);
    }

    /// <summary>The recording or stream has ended: closes speech still open and reports what is left.</summary>
    public void Finish(List<SegmentEvent> events)
    {
        if (_inSpeech)
            EndSpeech(_silenceStart >= 0 ? _silenceStart : _windows);
        while (_waitingForTheirEnd.TryDequeue(out var segment))
        {
            // Widening ran past the end of the recording: slide back as far as its start allows.
            var end = Math.Min(segment.End, _windows);
            var start = Math.Max(0, segment.Start - (segment.End - end));
            events.Add(Final(start, end));
        }
    }

    private void EndSpeech(int speechEnd)
    {
        _inSpeech = false;
        if (!_afterCut && speechEnd - _speechStart < _minSpeech)
            return;
        var start = _segmentStart;
        var end = Math.Min(speechEnd + _paddingAfter, _windows);
        if (end - start < _minSegment)
        {
            var grow = _minSegment - (end - start);
            start -= grow / 2;
            end += grow - grow / 2;
            if (start < 0)
            {
                end -= start;
                start = 0;
            }
        }
        _waitingForTheirEnd.Enqueue((start, end));
    }

    private void ReportThoseWhoseEndIsSeen(List<SegmentEvent> events)
    {
        while (_waitingForTheirEnd.TryPeek(out var segment) && segment.End <= _windows)
        {
            events.Add(Final(segment.Start, segment.End));
            _waitingForTheirEnd.Dequeue();
        }
    }

    private SegmentEvent Final(int start, int end) => new(Seconds(start, end), IsPartial: false);

    private SpeechSegment Seconds(int start, int end) => new(start * _windowSeconds, end * _windowSeconds);

    private int Windows(double seconds) => (int)Math.Round(seconds / _windowSeconds);
}
