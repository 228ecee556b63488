using System.Buffers;

namespace EmotionRecognition.Application.Audio;

/// <summary>
/// Sample-rate conversion by band-limited interpolation (J. O. Smith, "Digital Audio
/// Resampling"), ported from resampy 0.4.2 with its <c>kaiser_fast</c> filter — what
/// <c>librosa.load(sr=…, res_type='kaiser_fast')</c> used to train the original models.
/// Other resamplers move mean MFCCs by 3 to 9, so this is a port, not an approximation.
/// <para>
/// The filter is the right half of a windowed sinc with 24 zero crossings and 512 table points
/// per crossing: <c>h[i] = r·sinc(r·xᵢ)·kaiser(i)</c>, <c>xᵢ = 24·i/(24·512)</c>,
/// i = 0..24·512, rolloff r = 0.868212 (the cut-off as a fraction of Nyquist), and kaiser the
/// right half of a symmetric Kaiser window of 2·24·512+1 points with β = 9.90322. Between table
/// points the filter is interpolated linearly using forward differences (the last one 0).
/// </para>
/// <para>
/// Output sample t sits at input time <c>t·sr_in/sr_out</c> (in input samples); with n its integer
/// part, the left wing sums <c>x[n−i]</c> and the right wing <c>x[n+1+k]</c>, as far as both the
/// table and the signal reach. Downsampling by ratio ρ &lt; 1 stretches the filter (table
/// stepped by ⌊ρ·512⌋ instead of 512, weights scaled by ρ) so its cut-off falls to the new Nyquist.
/// resampy produces ⌊n·sr_out/sr_in⌋ samples; librosa then zero-pads or cuts to
/// ⌈n·sr_out/sr_in⌉, and so do we.
/// </para>
/// <para>
/// Precision: the table, the interpolated weights and each product are double, but resampy's output
/// buffer has the input's dtype (float32), so its running sum <c>y[t] += w·x</c> is rounded to float32
/// after every term. We do the same: on the golden 16 kHz tone this reproduces resampy's samples
/// bit for bit, where a double accumulator left differences of one float32 ulp that moved the MFCCs
/// by up to 6.5e-5 (relative) instead of 8e-6.
/// </para>
/// The table is built once and never written again, so calls may run on any thread.
/// </summary>
public static class Resampler
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
    /// resampy's <c>_resample_loop</c>: <c>y[t] = Σᵢ (h[o+i·step] + η·Δh[o+i·step])·x[n−i] + Σₖ (…)·x[n+1+k]</c>.
    /// Each output's float32 running sum is a serial chain of convert–add–round steps, so four outputs
    /// are summed in lockstep (each still strictly in resampy's order: left wing, then right wing)
    /// to keep the core busy; the few terms where their counts differ are finished one by one.
    /// </summary>
    /// <param name="scale">min(1, ratio): the filter's time scale relative to the input rate.</param>
    /// <param name="timeIncrement">Input samples per output sample, 1/ratio.</param>
    private static unsafe void Interpolate(
        ReadOnlySpan<float> input, Span<float> output, ReadOnlySpan<double> window, ReadOnlySpan<double> delta, double scale, double timeIncrement)
    {
        var tableLength = window.Length;
        var step = (int)(scale * TablePointsPerCrossing);
        var inputLength = input.Length;

        fixed (float* x = input, y = output)
        fixed (double* h = window, dh = delta)
        {
            var t = 0;
            for (; t + 4 <= output.Length; t += 4)
            {
                var a = Taps.At(t, timeIncrement, scale, step, tableLength, inputLength);
                var b = Taps.At(t + 1, timeIncrement, scale, step, tableLength, inputLength);
                var c = Taps.At(t + 2, timeIncrement, scale, step, tableLength, inputLength);
                var d = Taps.At(t + 3, timeIncrement, scale, step, tableLength, inputLength);
                float sa = 0, sb = 0, sc = 0, sd = 0;   // float32, rounded after every term, as resampy's y[t] += …

                var common = Math.Min(Math.Min(a.LeftCount, b.LeftCount), Math.Min(c.LeftCount, d.LeftCount));
                for (var i = 0; i < common; i++)
                {
                    var offset = i * step;
                    sa = (float)(sa + (h[a.LeftOffset + offset] + a.LeftEta * dh[a.LeftOffset + offset]) * x[a.N - i]);
                    sb = (float)(sb + (h[b.LeftOffset + offset] + b.LeftEta * dh[b.LeftOffset + offset]) * x[b.N - i]);
                    sc = (float)(sc + (h[c.LeftOffset + offset] + c.LeftEta * dh[c.LeftOffset + offset]) * x[c.N - i]);
                    sd = (float)(sd + (h[d.LeftOffset + offset] + d.LeftEta * dh[d.LeftOffset + offset]) * x[d.N - i]);
                }

                sa = LeftWing(sa, a, common, step, x, h, dh);
                sb = LeftWing(sb, b, common, step, x, h, dh);
                sc = LeftWing(sc, c, common, step, x, h, dh);
                sd = LeftWing(sd, d, common, step, x, h, dh);

                common = Math.Min(Math.Min(a.RightCount, b.RightCount), Math.Min(c.RightCount, d.RightCount));
                for (var k = 0; k < common; k++)
                {
                    var offset = k * step;
                    sa = (float)(sa + (h[a.RightOffset + offset] + a.RightEta * dh[a.RightOffset + offset]) * x[a.N + k + 1]);
                    sb = (float)(sb + (h[b.RightOffset + offset] + b.RightEta * dh[b.RightOffset + offset]) * x[b.N + k + 1]);
                    sc = (float)(sc + (h[c.RightOffset + offset] + c.RightEta * dh[c.RightOffset + offset]) * x[c.N + k + 1]);
                    sd = (float)(sd + (h[d.RightOffset + offset] + d.RightEta * dh[d.RightOffset + offset]) * x[d.N + k + 1]);
                }

                y[t] = RightWing(sa, a, common, step, x, h, dh);
                y[t + 1] = RightWing(sb, b, common, step, x, h, dh);
                y[t + 2] = RightWing(sc, c, common, step, x, h, dh);
                y[t + 3] = RightWing(sd, d, common, step, x, h, dh);
            }

            for (; t < output.Length; t++)
            {
                var taps = Taps.At(t, timeIncrement, scale, step, tableLength, inputLength);
                y[t] = RightWing(LeftWing(0, taps, 0, step, x, h, dh), taps, 0, step, x, h, dh);
            }
        }
    }

    /// <summary>Adds left-wing terms <paramref name="from"/>.. of one output to its running float32 sum.</summary>
    private static unsafe float LeftWing(float sum, in Taps taps, int from, int step, float* x, double* h, double* dh)
    {
        for (var i = from; i < taps.LeftCount; i++)
        {
            var tap = taps.LeftOffset + i * step;
            sum = (float)(sum + (h[tap] + taps.LeftEta * dh[tap]) * x[taps.N - i]);
        }

        return sum;
    }

    /// <summary>Adds right-wing terms <paramref name="from"/>.. of one output to its running float32 sum.</summary>
    private static unsafe float RightWing(float sum, in Taps taps, int from, int step, float* x, double* h, double* dh)
    {
        for (var k = from; k < taps.RightCount; k++)
        {
            var tap = taps.RightOffset + k * step;
            sum = (float)(sum + (h[tap] + taps.RightEta * dh[tap]) * x[taps.N + k + 1]);
        }

        return sum;
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
