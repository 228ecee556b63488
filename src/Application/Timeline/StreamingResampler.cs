using EmotionRecognition.Application.Audio;

namespace EmotionRecognition.Application.Timeline;

/// <summary>
/// <see cref="Resampler.Resample"/> for audio that arrives in pieces, holding only a block and its
/// margins. Blocks start on input samples whose output instant is a whole output sample (multiples of
/// from/gcd), so each block's output samples sit exactly where the whole recording's would; each block
/// is resampled with a margin on both sides wider than the filter reaches (24 zero crossings, stretched
/// by the ratio when downsampling), and only its middle is kept. The result matches one call on the
/// whole recording to float rounding, and in length (⌈n·to/from⌉ samples in all). Not thread-safe.
/// </summary>
public sealed class StreamingResampler
{
    private const int FilterZeroCrossings = 24;

    private readonly int _fromRateHz;
    private readonly int _toRateHz;
    private readonly int _unitIn;   // input samples per alignment unit
    private readonly int _unitOut;  // output samples per alignment unit
    private readonly int _blockIn;  // input samples per block, a multiple of _unitIn
    private readonly int _marginIn; // input samples each side of a block, a multiple of _unitIn
    private float[] _buffer;
    private int _buffered;          // samples in _buffer; _buffer[0] is input sample _bufferStart
    private long _bufferStart;
    private long _nextBlock;        // input sample where the next block to emit starts

    public StreamingResampler(int fromRateHz, int toRateHz, double blockSeconds = 0.5)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fromRateHz);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(toRateHz);
        _fromRateHz = fromRateHz;
        _toRateHz = toRateHz;
        var gcd = Gcd(fromRateHz, toRateHz);
        _unitIn = fromRateHz / gcd;
        _unitOut = toRateHz / gcd;
        var reach = (int)Math.Ceiling(FilterZeroCrossings * Math.Max(1.0, (double)fromRateHz / toRateHz)) + 2;
        _marginIn = RoundUpToUnit(reach);
        _blockIn = Math.Max(_marginIn, RoundUpToUnit(Math.Max(1, (int)(blockSeconds * fromRateHz))));
        _buffer = new float[_marginIn + _blockIn + _marginIn];
    }

    /// <summary>Appends <paramref name="samples"/>; returns the output samples that are now final (often none).</summary>
    public float[] Push(ReadOnlySpan<float> samples)
    {
        if (_fromRateHz == _toRateHz)
            return samples.ToArray();
        var output = new List<float>();
        while (!samples.IsEmpty)
        {
            var take = Math.Min(samples.Length, _buffer.Length - _buffered);
            samples[..take].CopyTo(_buffer.AsSpan(_buffered));
            _buffered += take;
            samples = samples[take..];
            if (_buffered == _buffer.Length)
                EmitBlock(output);
        }
        return output.ToArray();
    }

    /// <summary>The input has ended: the rest of the output.</summary>
    public float[] Finish()
    {
        if (_fromRateHz == _toRateHz)
            return [];
        var offsetIn = (int)(_nextBlock - _bufferStart);
        var tail = Resampler.Resample(_buffer.AsSpan(0, _buffered), _fromRateHz, _toRateHz);
        var offsetOut = offsetIn / _unitIn * _unitOut;
        var rest = offsetOut < tail.Length ? tail[offsetOut..] : [];
        _bufferStart += _buffered;
        _nextBlock = _bufferStart;
        _buffered = 0;
        return rest;
    }

    /// <summary>The buffer is full: resample it, keep the block's output, slide the buffer on by one block.</summary>
    private void EmitBlock(List<float> output)
    {
        var offsetIn = (int)(_nextBlock - _bufferStart);
        var resampled = Resampler.Resample(_buffer.AsSpan(0, _buffered), _fromRateHz, _toRateHz);
        var offsetOut = offsetIn / _unitIn * _unitOut;
        var countOut = _blockIn / _unitIn * _unitOut;
        output.AddRange(resampled.AsSpan(offsetOut, countOut));
        _nextBlock += _blockIn;

        // Keep the margin before the next block, and everything after it.
        var keepFrom = (int)(_nextBlock - _marginIn - _bufferStart);
        _buffer.AsSpan(keepFrom, _buffered - keepFrom).CopyTo(_buffer);
        _buffered -= keepFrom;
        _bufferStart += keepFrom;
    }

    private int RoundUpToUnit(int samples) => (samples + _unitIn - 1) / _unitIn * _unitIn;

    private static int Gcd(int a, int b)
    {
        while (b != 0)
            (a, b) = (b, a % b);
        return a;
    }
}
