using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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
/// Bit-reversal and twiddle tables (one contiguous run of twiddles per stage, so the inner loop
/// reads them in order) are built once and never written again; scratch is rented per call from
/// the shared array pool, so one instance is safe to share between threads. The butterflies use
/// pointers: this loop is most of the feature extraction time.
/// </summary>
public sealed class RealFft
{
    private readonly int _half;             // M = N/2, the complex FFT length
    private readonly int[] _bitReversed;    // index permutation for the in-place iterative FFT
    private readonly double[] _stageCos;    // stage with span S: cos(2πj/S), j < S/2, at offset S/2 − 1
    private readonly double[] _stageSin;    // … and sin(2πj/S)
    private readonly double[] _untangleCos; // cos(2πk/N), k = 0..M
    private readonly double[] _untangleSin; // sin(2πk/N), k = 0..M

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

        // Stages with span S = 2, 4, …, M use S/2 twiddles each: M − 1 in all, stored back to back.
        _stageCos = new double[Math.Max(1, _half - 1)];
        _stageSin = new double[_stageCos.Length];
        for (var span = 2; span <= _half; span <<= 1)
        {
            for (var j = 0; j < span / 2; j++)
            {
                var angle = 2 * Math.PI * j / span;
                _stageCos[span / 2 - 1 + j] = Math.Cos(angle);
                _stageSin[span / 2 - 1 + j] = Math.Sin(angle);
            }
        }

        _untangleCos = new double[_half + 1];
        _untangleSin = new double[_half + 1];
        for (var k = 0; k <= _half; k++)
        {
            var angle = 2 * Math.PI * k / size;
            _untangleCos[k] = Math.Cos(angle);
            _untangleSin[k] = Math.Sin(angle);
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
            UntanglePower(zr, zi, power);
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Untangle(ReadOnlySpan<double> zr, ReadOnlySpan<double> zi, int k, out double xr, out double xi)
    {
        var a = k == _half ? 0 : k;          // Z is M-periodic: Z[M] = Z[0]
        var b = k == 0 ? 0 : _half - k;
        var evenRe = 0.5 * (zr[a] + zr[b]);
        var evenIm = 0.5 * (zi[a] - zi[b]);
        var oddRe = 0.5 * (zi[a] + zi[b]);
        var oddIm = -0.5 * (zr[a] - zr[b]);

        // X = E + e^(−2πik/N)·O with e^(−iθ) = cos θ − i·sin θ.
        var c = _untangleCos[k];
        var s = _untangleSin[k];
        xr = evenRe + c * oddRe + s * oddIm;
        xi = evenIm + c * oddIm - s * oddRe;
    }

    /// <summary>|X[k]|² for k = 0..M (see <see cref="Untangle"/>), without bounds checks: this runs once per frame over 1025 bins.</summary>
    private unsafe void UntanglePower(ReadOnlySpan<double> realSpan, ReadOnlySpan<double> imagSpan, Span<double> powerSpan)
    {
        var m = _half;
        fixed (double* zr = realSpan, zi = imagSpan, power = powerSpan, cos = _untangleCos, sin = _untangleSin)
        {
            // k = 0 and k = M both read Z[0]: X[0] = Re Z0 + Im Z0, X[M] = Re Z0 − Im Z0 (both real).
            var dc = zr[0] + zi[0];
            var nyquist = zr[0] - zi[0];
            power[0] = dc * dc;
            power[m] = nyquist * nyquist;
            for (var k = 1; k < m; k++)
            {
                var b = m - k;
                var evenRe = 0.5 * (zr[k] + zr[b]);
                var evenIm = 0.5 * (zi[k] - zi[b]);
                var oddRe = 0.5 * (zi[k] + zi[b]);
                var oddIm = -0.5 * (zr[k] - zr[b]);
                var xr = evenRe + cos[k] * oddRe + sin[k] * oddIm;
                var xi = evenIm + cos[k] * oddIm - sin[k] * oddRe;
                power[k] = xr * xr + xi * xi;
            }
        }
    }

    /// <summary>z[n] = x[2n] + i·x[2n+1] in bit-reversed order, then an in-place radix-2 decimation-in-time FFT.</summary>
    private unsafe void PackedComplexFft(ReadOnlySpan<double> frame, Span<double> realSpan, Span<double> imagSpan)
    {
        var m = _half;
        fixed (double* re = realSpan, im = imagSpan, x = frame, stageCos = _stageCos, stageSin = _stageSin)
        fixed (int* reversed = _bitReversed)
        {
            for (var n = 0; n < m; n++)
            {
                var target = reversed[n];
                re[target] = x[2 * n];
                im[target] = x[2 * n + 1];
            }

            // Span 2: the only twiddle is 1, so each butterfly is a sum and a difference.
            for (var top = 0; top < m; top += 2)
            {
                double ar = re[top], ai = im[top], br = re[top + 1], bi = im[top + 1];
                re[top] = ar + br;
                im[top] = ai + bi;
                re[top + 1] = ar - br;
                im[top + 1] = ai - bi;
            }

            for (var span = 4; span <= m; span <<= 1)
            {
                var halfSpan = span >> 1;
                var wr = stageCos + (halfSpan - 1);
                var ws = stageSin + (halfSpan - 1);
                for (var start = 0; start < m; start += span)
                {
                    var topRe = re + start;
                    var topIm = im + start;
                    var bottomRe = topRe + halfSpan;
                    var bottomIm = topIm + halfSpan;
                    var j = 0;
                    if (Vector256.IsHardwareAccelerated)
                    {
                        // The same butterflies, four at a time (same operations and order: identical results).
                        for (; j + 4 <= halfSpan; j += 4)
                        {
                            var c = Vector256.Load(wr + j);
                            var s = Vector256.Load(ws + j);
                            var br = Vector256.Load(bottomRe + j);
                            var bi = Vector256.Load(bottomIm + j);
                            var ar = Vector256.Load(topRe + j);
                            var ai = Vector256.Load(topIm + j);
                            var tr = c * br + s * bi;
                            var ti = c * bi - s * br;
                            (ar - tr).Store(bottomRe + j);
                            (ai - ti).Store(bottomIm + j);
                            (ar + tr).Store(topRe + j);
                            (ai + ti).Store(topIm + j);
                        }
                    }

                    for (; j < halfSpan; j++)
                    {
                        // Butterfly with w = e^(−2πi·j/span) = cos − i·sin:
                        // t = w·bottom; bottom = top − t; top = top + t.
                        var c = wr[j];
                        var s = ws[j];
                        var tr = c * bottomRe[j] + s * bottomIm[j];
                        var ti = c * bottomIm[j] - s * bottomRe[j];
                        bottomRe[j] = topRe[j] - tr;
                        bottomIm[j] = topIm[j] - ti;
                        topRe[j] += tr;
                        topIm[j] += ti;
                    }
                }
            }
        }
    }
}
