using System.Buffers;

namespace EmotionRecognition.UnitTests.Audio;

/// <summary>
/// resampy 0.4.2's <c>kaiser_fast</c> resampling ported term for term, float32 running sum
/// included, so it reproduces resampy's samples bit for bit. The product's
/// <see cref="EmotionRecognition.Application.Audio.Resampler"/> is measured against it; it is
/// the serial loop resampy runs (each output's sum rounded to float32 after every term).
/// </summary>
public static class ResampyReference
{
    private const int ZeroCrossings = 24;
    private const int TablePointsPerCrossing = 512;  // resampy "precision" 9: 2^9
    private const double Rolloff = 0.868212;
    private const double KaiserBeta = 9.90322;

    /// <summary>The right half of the interpolation filter, h[0] at time 0 (24·512 + 1 points).</summary>
    private static readonly double[] HalfWindow = BuildKaiserFastHalfWindow();

    /// <summary>Converts <paramref name="samples"/> from <paramref name="fromRateHz"/> to <paramref name="toRateHz"/>.</summary>
    /// <returns>⌈n·to/from⌉ samples; the input itself (copied) when the rates are equal.</returns>
    public static float[] Resample(ReadOnlySpan<float> samples, int fromRateHz, int toRateHz)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fromRateHz);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(toRateHz);
        if (fromRateHz == toRateHz)
            return samples.ToArray();
        if ((long)toRateHz * TablePointsPerCrossing < fromRateHz)
            throw new ArgumentOutOfRangeException(nameof(toRateHz), toRateHz, "Downsampling by more than 512:1 leaves the filter table no step.");

        // librosa.resample: ratio and target length in float64 exactly as Python computes them.
        var sampleRatio = (double)toRateHz / fromRateHz;
        var paddedLength = checked((int)Math.Ceiling(samples.Length * sampleRatio));
        // resampy: int(n * sr_new // sr_orig), integer floor division.
        var resampledLength = (int)Math.Min(paddedLength, (long)samples.Length * toRateHz / fromRateHz);

        var output = new float[paddedLength];
        if (resampledLength == 0)
            return output;

        // For downsampling resampy scales a copy of the table by the ratio, then takes its differences.
        var tableLength = HalfWindow.Length;
        var rented = ArrayPool<double>.Shared.Rent(2 * tableLength);
        try
        {
            var window = rented.AsSpan(0, tableLength);
            var delta = rented.AsSpan(tableLength, tableLength);
            var weightScale = Math.Min(1.0, sampleRatio);
            for (var i = 0; i < tableLength; i++)
                window[i] = sampleRatio < 1 ? sampleRatio * HalfWindow[i] : HalfWindow[i];
            for (var i = 0; i < tableLength - 1; i++)
                delta[i] = window[i + 1] - window[i];
            delta[tableLength - 1] = 0;

            Interpolate(samples, output.AsSpan(0, resampledLength), window, delta, weightScale, 1.0 / sampleRatio);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }

        return output;
    }

    /// <summary>Where output sample t reads the filter: resampy's per-sample set-up in <c>_resample_loop</c>.</summary>
    /// <param name="N">The input sample at or before the output instant.</param>
    /// <param name="LeftOffset">Table index of the weight for x[N] (distance frac, in table points).</param>
    /// <param name="LeftEta">Fraction between table points for the left wing (linear interpolation).</param>
    /// <param name="LeftCount">Terms x[N], x[N−1], … that both the table and the signal reach.</param>
    /// <param name="RightOffset">Table index of the weight for x[N+1] (distance scale − frac).</param>
    /// <param name="RightEta">Fraction between table points for the right wing.</param>
    /// <param name="RightCount">Terms x[N+1], x[N+2], … that both reach.</param>
    private readonly record struct Taps(int N, int LeftOffset, double LeftEta, int LeftCount, int RightOffset, double RightEta, int RightCount)
    {
        public static Taps At(int t, double timeIncrement, double scale, int indexStep, int tableLength, int inputLength)
        {
            var time = t * timeIncrement;
            var n = (int)time;

            // Left wing: x[n], x[n−1], … at distances frac, frac + 1, … input samples (frac scaled for downsampling).
            var frac = scale * (time - n);
            var indexFrac = frac * TablePointsPerCrossing;
            var leftOffset = (int)indexFrac;
            var leftEta = indexFrac - leftOffset;
            var leftCount = Math.Min(n + 1, (tableLength - leftOffset) / indexStep);

            // Right wing: x[n+1], x[n+2], … at distances (scale − frac), …
            frac = scale - frac;
            indexFrac = frac * TablePointsPerCrossing;
            var rightOffset = (int)indexFrac;
            var rightEta = indexFrac - rightOffset;
            var rightCount = Math.Min(inputLength - n - 1, (tableLength - rightOffset) / indexStep);

            return new Taps(n, leftOffset, leftEta, leftCount, rightOffset, rightEta, rightCount);
        }
    }

    /// <summary>
    /// resampy's <c>_resample_loop</c>: <c>y[t] = Σᵢ (h[o+i·step] + η·Δh[o+i·step])·x[n−i] + Σₖ (…)·x[n+1+k]</c>,
    /// each output's float32 running sum rounded after every term, left wing then right wing.
    /// </summary>
    private static void Interpolate(
        ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<double> h, ReadOnlySpan<double> dh, double scale, double timeIncrement)
    {
        var step = (int)(scale * TablePointsPerCrossing);
        for (var t = 0; t < y.Length; t++)
        {
            var taps = Taps.At(t, timeIncrement, scale, step, h.Length, x.Length);
            float sum = 0;
            for (var i = 0; i < taps.LeftCount; i++)
            {
                var tap = taps.LeftOffset + i * step;
                sum = (float)(sum + (h[tap] + taps.LeftEta * dh[tap]) * x[taps.N - i]);
            }

            for (var k = 0; k < taps.RightCount; k++)
            {
                var tap = taps.RightOffset + k * step;
                sum = (float)(sum + (h[tap] + taps.RightEta * dh[tap]) * x[taps.N + k + 1]);
            }

            y[t] = sum;
        }
    }

    /// <summary>resampy's <c>sinc_window(num_zeros=24, precision=9, rolloff=0.868212, window=kaiser(β=9.90322))</c>.</summary>
    private static double[] BuildKaiserFastHalfWindow()
    {
        var pointCount = ZeroCrossings * TablePointsPerCrossing;   // n
        var halfWindow = new double[pointCount + 1];
        var besselAtBeta = BesselI0(KaiserBeta);
        for (var i = 0; i <= pointCount; i++)
        {
            // np.linspace(0, num_zeros, n + 1): time in zero crossings.
            var x = i == pointCount ? ZeroCrossings : i * ((double)ZeroCrossings / pointCount);
            var sinc = Sinc(Rolloff * x);
            // Kaiser window of length 2n+1 at index n+i: I0(β·√(1 − (i/n)²)) / I0(β).
            var ratio = (double)i / pointCount;
            var kaiser = BesselI0(KaiserBeta * Math.Sqrt(1 - ratio * ratio)) / besselAtBeta;
            halfWindow[i] = Rolloff * sinc * kaiser;
        }

        return halfWindow;
    }

    /// <summary>Normalised sinc, sin(πx)/(πx), 1 at 0 (numpy's <c>sinc</c>).</summary>
    private static double Sinc(double x)
    {
        if (x == 0)
            return 1.0;
        var px = Math.PI * x;
        return Math.Sin(px) / px;
    }

    /// <summary>Modified Bessel function of the first kind, order 0: Σₖ ((x/2)^k / k!)², summed to double precision.</summary>
    internal static double BesselI0(double x)
    {
        var quarterSquare = x * x / 4;
        var term = 1.0;
        var sum = 1.0;
        for (var k = 1; k < 500; k++)
        {
            term *= quarterSquare / ((double)k * k);
            sum += term;
            if (term < sum * 1e-17)
                break;
        }

        return sum;
    }
}
