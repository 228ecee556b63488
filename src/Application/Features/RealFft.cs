using System.Buffers;

namespace EmotionRecognition.Application.Features;

/// <summary>
/// Radix-2 FFT of a real frame of <see cref="Size"/> samples, returning the non-negative
/// frequency bins 0..N/2 (bin k is k·sr/N Hz):
/// <c>X[k] = Σₙ x[n]·e^(−2πi·k·n/N)</c>, unnormalised (numpy's <c>rfft</c>).
/// <para>
/// The real-input trick: pack the even samples as real and the odd samples as imaginary parts
/// of an N/2-point complex sequence z, take one complex FFT Z, then untangle
/// <c>E[k] = (Z[k] + conj Z[M−k]) / 2</c> (the even samples' spectrum),
/// <c>O[k] = (Z[k] − conj Z[M−k]) / 2i</c> (the odd samples'), and
/// <c>X[k] = E[k] + e^(−2πi·k/N)·O[k]</c> — half the work of a full complex FFT.
/// </para>
/// Bit-reversal and twiddle tables are built once and never written again; scratch is rented
/// per call from the shared array pool, so one instance is safe to share between threads.
/// </summary>
public sealed class RealFft
{
    private readonly int _half;             // M = N/2, the complex FFT length
    private readonly int[] _bitReversed;    // index permutation for the in-place iterative FFT
    private readonly double[] _cosM;        // cos(2πj/M), j < M/2: complex-FFT twiddles
    private readonly double[] _sinM;        // sin(2πj/M)
    private readonly double[] _cosN;        // cos(2πk/N), k ≤ M/2: untangling twiddles
    private readonly double[] _sinN;        // sin(2πk/N)

    /// <param name="size">Frame length N in samples: a power of two, at least 4.</param>
    public RealFft(int size)
    {
        if (size < 4 || (size & (size - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(size), size, "The FFT size must be a power of two, at least 4.");

        Size = size;
        _half = size / 2;

        var bits = System.Numerics.BitOperations.Log2((uint)_half);
        _bitReversed = new int[_half];
        for (var i = 0; i < _half; i++)
        {
            var reversed = 0;
            for (var b = 0; b < bits; b++)
                reversed |= ((i >> b) & 1) << (bits - 1 - b);
            _bitReversed[i] = reversed;
        }

        _cosM = new double[Math.Max(1, _half / 2)];
        _sinM = new double[_cosM.Length];
        for (var j = 0; j < _cosM.Length; j++)
        {
            var angle = 2 * Math.PI * j / _half;
            _cosM[j] = Math.Cos(angle);
            _sinM[j] = Math.Sin(angle);
        }

        _cosN = new double[_half / 2 + 1];
        _sinN = new double[_half / 2 + 1];
        for (var k = 0; k <= _half / 2; k++)
        {
            var angle = 2 * Math.PI * k / size;
            _cosN[k] = Math.Cos(angle);
            _sinN[k] = Math.Sin(angle);
        }
    }

    /// <summary>Frame length N in samples.</summary>
    public int Size { get; }

    /// <summary>N/2 + 1: the bins from 0 Hz to the Nyquist frequency.</summary>
    public int BinCount => _half + 1;

    /// <summary>Complex spectrum of <paramref name="frame"/>: bins 0..N/2 into <paramref name="real"/> and <paramref name="imaginary"/>.</summary>
    public void Forward(ReadOnlySpan<double> frame, Span<double> real, Span<double> imaginary)
    {
        CheckLengths(frame, real.Length, imaginary.Length);
        var scratch = ArrayPool<double>.Shared.Rent(2 * _half);
        try
        {
            var zr = scratch.AsSpan(0, _half);
            var zi = scratch.AsSpan(_half, _half);
            PackedComplexFft(frame, zr, zi);
            for (var k = 0; k <= _half; k++)
            {
                Untangle(zr, zi, k, out var xr, out var xi);
                real[k] = xr;
                imaginary[k] = xi;
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(scratch);
        }
    }

    /// <summary>Power spectrum |X[k]|² (librosa's <c>abs(stft)**2</c>) for bins 0..N/2.</summary>
    public void PowerSpectrum(ReadOnlySpan<double> frame, Span<double> power)
    {
        CheckLengths(frame, power.Length, BinCount);
        var scratch = ArrayPool<double>.Shared.Rent(2 * _half);
        try
        {
            var zr = scratch.AsSpan(0, _half);
            var zi = scratch.AsSpan(_half, _half);
            PackedComplexFft(frame, zr, zi);
            for (var k = 0; k <= _half; k++)
            {
                Untangle(zr, zi, k, out var xr, out var xi);
                power[k] = xr * xr + xi * xi;
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(scratch);
        }
    }

    private void CheckLengths(ReadOnlySpan<double> frame, int outputLength, int secondOutputLength)
    {
        if (frame.Length != Size)
            throw new ArgumentException($"The frame has {frame.Length} samples; this FFT takes {Size}.", nameof(frame));
        if (outputLength < BinCount || secondOutputLength < BinCount)
            throw new ArgumentException($"The output needs room for {BinCount} bins.");
    }

    /// <summary>X[k] from the packed spectrum Z, for 0 ≤ k ≤ M.</summary>
    private void Untangle(ReadOnlySpan<double> zr, ReadOnlySpan<double> zi, int k, out double xr, out double xi)
    {
        var a = k == _half ? 0 : k;          // Z is M-periodic: Z[M] = Z[0]
        var b = k == 0 ? 0 : _half - k;
        var evenRe = 0.5 * (zr[a] + zr[b]);
        var evenIm = 0.5 * (zi[a] - zi[b]);
        var oddRe = 0.5 * (zi[a] + zi[b]);
        var oddIm = -0.5 * (zr[a] - zr[b]);

        // e^(−2πik/N) = c − i·s, with s = sin(2πk/N); beyond k = M/2 use the mirror angle π − θ.
        double c, s;
        if (k <= _half / 2)
        {
            c = _cosN[k];
            s = _sinN[k];
        }
        else
        {
            c = -_cosN[_half - k];
            s = _sinN[_half - k];
        }

        xr = evenRe + c * oddRe + s * oddIm;
        xi = evenIm + c * oddIm - s * oddRe;
    }

    /// <summary>z[n] = x[2n] + i·x[2n+1] in bit-reversed order, then an in-place radix-2 decimation-in-time FFT.</summary>
    private void PackedComplexFft(ReadOnlySpan<double> frame, Span<double> re, Span<double> im)
    {
        for (var n = 0; n < _half; n++)
        {
            var target = _bitReversed[n];
            re[target] = frame[2 * n];
            im[target] = frame[2 * n + 1];
        }

        for (var span = 2; span <= _half; span <<= 1)
        {
            var halfSpan = span >> 1;
            var twiddleStride = _half / span;
            for (var start = 0; start < _half; start += span)
            {
                for (var j = 0; j < halfSpan; j++)
                {
                    // Butterfly with w = e^(−2πi·j/span) = cos − i·sin of the angle at table index j·M/span.
                    var wr = _cosM[j * twiddleStride];
                    var wi = -_sinM[j * twiddleStride];
                    var top = start + j;
                    var bottom = top + halfSpan;
                    var tr = wr * re[bottom] - wi * im[bottom];
                    var ti = wr * im[bottom] + wi * re[bottom];
                    re[bottom] = re[top] - tr;
                    im[bottom] = im[top] - ti;
                    re[top] += tr;
                    im[top] += ti;
                }
            }
        }
    }
}
