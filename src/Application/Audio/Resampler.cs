using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;


namespace EmotionRecognition.Application.Audio;

/// <summary>
/// Sample-rate conversion by band-limited interpolation with resampy 0.4.2's <c>kaiser_fast</c>
/// filter (<see cref="KaiserFastFilter"/>) at resampy's filter positions, computed polyphase:
/// every output phase's weights come from a <see cref="ResamplerPhaseTable"/>, and eight
/// outputs that share a phase are summed at once in one Vector512 of double (AVX-512) or two
/// Vector256 (elsewhere), with the same operations in the same order, so the same bits.
/// <para>
/// Output t sits at input time t·sr_in/sr_out; with n its integer part, the left wing sums
/// <c>x[n−i]</c> and the right wing <c>x[n+1+k]</c>, as far as the table and the signal reach.
/// Downsampling by ratio ρ &lt; 1 stretches the filter (table stepped by ⌊ρ·512⌋, weights
/// scaled by ρ) so its cut-off falls to the new Nyquist. resampy produces ⌊n·sr_out/sr_in⌋ samples;
/// librosa then zero-pads or cuts to ⌈n·sr_out/sr_in⌉, and so do we.
/// </para>
/// <para>
/// Agreement with resampy: the same double weights at the same positions (the fraction taken
/// exactly as a ratio of integers, where resampy multiplies t by a rounded 1/ρ), the same double
/// products and the same float32 running sum rounded after every term in resampy's order, so the
/// samples are resampy's except where the last bits of a weight decide a float32 rounding
/// (docs/benchmarks.md has the measured agreement).
/// </para>
/// The tables for the rates phones, browsers and the corpus use (48, 44.1, 16 and 8 kHz to
/// 22.05 kHz) are built once and shared read-only; other rates get a table per call. Scratch is
/// per call, so calls may run on any thread.
/// </summary>
public static class Resampler
{
    private static readonly (int FromRateHz, int ToRateHz)[] CommonConversions =
        [(48000, 22050), (44100, 22050), (16000, 22050), (8000, 22050)];

    private static readonly Lazy<ResamplerPhaseTable>[] CommonTables =
        CommonConversions.Select(c => new Lazy<ResamplerPhaseTable>(() => new ResamplerPhaseTable(c.FromRateHz, c.ToRateHz, store: true))).ToArray();

    /// <summary>Converts <paramref name="samples"/> from <paramref name="fromRateHz"/> to <paramref name="toRateHz"/>.</summary>
    /// <returns>⌈n·to/from⌉ samples; the input itself (copied) when the rates are equal.</returns>
    public static float[] Resample(ReadOnlySpan<float> samples, int fromRateHz, int toRateHz)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fromRateHz);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(toRateHz);
        if (fromRateHz == toRateHz)
            return samples.ToArray();
        if ((long)toRateHz * KaiserFastFilter.TablePointsPerCrossing < fromRateHz)
            throw new ArgumentOutOfRangeException(nameof(toRateHz), toRateHz, "Downsampling by more than 512:1 leaves the filter table no step.");

        // librosa.resample: ratio and target length in float64 exactly as Python computes them.
        var sampleRatio = (double)toRateHz / fromRateHz;
        var paddedLength = checked((int)Math.Ceiling(samples.Length * sampleRatio));
        // resampy: int(n * sr_new // sr_orig), integer floor division.
        var resampledLength = (int)Math.Min(paddedLength, (long)samples.Length * toRateHz / fromRateHz);

        var output = new float[paddedLength];
        if (resampledLength == 0)
            return output;

        var table = TableFor(fromRateHz, toRateHz, resampledLength);
        Interpolate(table, samples, output.AsSpan(0, resampledLength));
        return output;
    }

    private static ResamplerPhaseTable TableFor(int fromRateHz, int toRateHz, int outputLength)
    {
        var common = Array.IndexOf(CommonConversions, (fromRateHz, toRateHz));
        if (common >= 0)
            return CommonTables[common].Value;
        // Storing every phase's weights pays when every phase is used, i.e. the output spans a period.
        var phases = toRateHz / (int)System.Numerics.BigInteger.GreatestCommonDivisor(fromRateHz, toRateHz);
        return new ResamplerPhaseTable(fromRateHz, toRateHz, store: phases <= outputLength);
    }

    /// <summary>
    /// Outputs per segment of a block, at most (rounded up to whole periods): a block's interleaved input copy holds about
    /// eight segments' inputs in double, so 16 384 outputs (about 0.74 s at 22 050 Hz) bound it near 2.3 MB at 48 kHz
    /// whatever the clip's length, instead of twice the clip's float samples.
    /// </summary>
    private const int MaxSegmentOutputs = 16_384;

    /// <summary>Segments of a block: one output of each per vector step.</summary>
    private const int Lanes = 8;

    /// <summary>Consecutive outputs of a segment summed at once, at most (they may run past a segment's end).</summary>
    private const int MaxChains = 8;

    /// <summary>
    /// resampy's <c>_resample_loop</c>, <c>y[t] = Σᵢ wᵢ·x[n−i] + Σₖ w′ₖ·x[n+1+k]</c> with the float32
    /// running sum rounded after every term in resampy's order, eight outputs at once. The output is cut into
    /// blocks of whole periods, and each block into eight segments of whole periods, so outputs s of the eight
    /// segments share a phase (one broadcast weight per term) and read one row of the block's input copy
    /// interleaved by segment (<c>X[u][l] = x[l·D + u − front]</c>). Each output's terms, weights and order do
    /// not depend on its block or lane, so the cut changes no bit. Each output is a serial chain of add–round
    /// steps, so several consecutive s are summed at once (eight vector chains) to keep the core busy.
    /// </summary>
    private static void Interpolate(ResamplerPhaseTable table, ReadOnlySpan<float> input, Span<float> output)
    {
        const int lanes = Lanes;
        var phases = table.Phases;
        var maxPeriodsPerSegment = Math.Max(1, MaxSegmentOutputs / phases);
        for (long start = 0; start < output.Length;)
        {
            // Whole periods, so the block's first output has phase 0 and sits at input period start / phases.
            var remaining = output.Length - start;
            var periodsPerSegment = Math.Min(maxPeriodsPerSegment, (remaining + (long)lanes * phases - 1) / ((long)lanes * phases));
            var blockOutputs = (int)Math.Min(remaining, lanes * periodsPerSegment * phases);
            var firstInput = start / phases * table.InputsPerPeriod;
            InterpolateBlock(table, input, firstInput, output.Slice((int)start, blockOutputs), periodsPerSegment);
            start += blockOutputs;
        }
    }

    /// <summary>
    /// One block: <paramref name="output"/>[0] is output period <paramref name="firstInput"/> / InputsPerPeriod's first
    /// sample; eight segments of <paramref name="periodsPerSegment"/> periods each (the last ones may be short or empty).
    /// </summary>
    private static unsafe void InterpolateBlock(
        ResamplerPhaseTable table, ReadOnlySpan<float> input, long firstInput, Span<float> output, long periodsPerSegment)
    {
        const int lanes = Lanes;
        const int chains = MaxChains;
        var phases = table.Phases;
        var segmentOutputs = (int)(periodsPerSegment * phases);
        var segmentInputs = periodsPerSegment * table.InputsPerPeriod;
        var front = table.LeftTaps - 1;
        // An output shorter than the first segment is all segment 0's: the other lanes start past its end and are
        // never written, so only its first output.Length outputs are computed and only the input rows they read are
        // copied (a short clip at a rate of large period M would otherwise copy 8·M rows).
        var loopOutputs = (int)Math.Min(segmentOutputs, output.Length);
        var spannedInputs = Math.Min(segmentInputs, (long)(loopOutputs + chains) * table.InputsPerPeriod / phases + 1);
        // Centres stay below spannedInputs (plus the chains run past the segment's end); the right wing reads beyond.
        var rowCount = checked((int)(spannedInputs + front + table.RightTaps + 2 + (long)chains * table.InputsPerPeriod / phases + 1));
        var rowLength = table.RowLength;

        var interleaved = ArrayPool<double>.Shared.Rent(rowCount * lanes);
        var scratch = table.IsStored ? null : ArrayPool<double>.Shared.Rent(chains * rowLength);
        try
        {
            for (var lane = 0; lane < lanes; lane++)
            {
                var first = firstInput + lane * segmentInputs - front;
                for (var u = 0; u < rowCount; u++)
                {
                    var index = first + u;
                    interleaved[u * lanes + lane] = index >= 0 && index < input.Length ? input[(int)index] : 0.0;
                }
            }

            ReadOnlySpan<double> weightRows = table.IsStored ? table.Rows : scratch;
            fixed (double* x = interleaved)
            fixed (double* stored = weightRows)
            fixed (float* y = output)
            {
                if (Avx512F.IsSupported)
                    SumEightOutputs512(table, x, front, stored, scratch, y, loopOutputs, segmentOutputs, output.Length);
                else
                    SumFourOutputs256(table, x, front, stored, scratch, y, loopOutputs, segmentOutputs, output.Length);
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(interleaved);
            if (scratch is not null)
                ArrayPool<double>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// The sums with 256-bit vectors: outputs s … s+3 of the eight segments at once, each output in two vectors
    /// (segments 0-3 and 4-7), so eight add-round chains are in flight.
    /// </summary>
    private static unsafe void SumFourOutputs256(
        ResamplerPhaseTable table, double* x, int front, double* stored, double[]? scratch, float* y,
        int loopOutputs, int segmentOutputs, int length)
    {
        const int chains = 4;
        for (var s = 0; s < loopOutputs; s += chains)
        {
            var p0 = Setup(table, s, x, front, stored, scratch, 0, out var w0);
            var p1 = Setup(table, s + 1, x, front, stored, scratch, 1, out var w1);
            var p2 = Setup(table, s + 2, x, front, stored, scratch, 2, out var w2);
            var p3 = Setup(table, s + 3, x, front, stored, scratch, 3, out var w3);
            Vector256<double> a0 = default, b0 = default, a1 = default, b1 = default;
            Vector256<double> a2 = default, b2 = default, a3 = default, b3 = default;

            // Left wings: x[n], x[n−1], …
            for (var i = 0; i < table.LeftTaps; i++)
            {
                var back = i * Lanes;
                Accumulate(ref a0, ref b0, w0[i], p0 - back);
                Accumulate(ref a1, ref b1, w1[i], p1 - back);
                Accumulate(ref a2, ref b2, w2[i], p2 - back);
                Accumulate(ref a3, ref b3, w3[i], p3 - back);
            }

            // Right wings: x[n+1], x[n+2], …
            w0 += table.LeftTaps;
            w1 += table.LeftTaps;
            w2 += table.LeftTaps;
            w3 += table.LeftTaps;
            for (var k = 0; k < table.RightTaps; k++)
            {
                var ahead = (k + 1) * Lanes;
                Accumulate(ref a0, ref b0, w0[k], p0 + ahead);
                Accumulate(ref a1, ref b1, w1[k], p1 + ahead);
                Accumulate(ref a2, ref b2, w2[k], p2 + ahead);
                Accumulate(ref a3, ref b3, w3[k], p3 + ahead);
            }

            Write(Vector512.Create(a0, b0), s, segmentOutputs, y, length);
            Write(Vector512.Create(a1, b1), s + 1, segmentOutputs, y, length);
            Write(Vector512.Create(a2, b2), s + 2, segmentOutputs, y, length);
            Write(Vector512.Create(a3, b3), s + 3, segmentOutputs, y, length);
        }
    }

    /// <summary>
    /// The same sums with AVX-512: each output's eight segments in one vector, outputs s … s+7 in flight (eight
    /// add-round chains, as above, with half the instructions).
    /// </summary>
    private static unsafe void SumEightOutputs512(
        ResamplerPhaseTable table, double* x, int front, double* stored, double[]? scratch, float* y,
        int loopOutputs, int segmentOutputs, int length)
    {
        const int chains = 8;
        for (var s = 0; s < loopOutputs; s += chains)
        {
            var p0 = Setup(table, s, x, front, stored, scratch, 0, out var w0);
            var p1 = Setup(table, s + 1, x, front, stored, scratch, 1, out var w1);
            var p2 = Setup(table, s + 2, x, front, stored, scratch, 2, out var w2);
            var p3 = Setup(table, s + 3, x, front, stored, scratch, 3, out var w3);
            var p4 = Setup(table, s + 4, x, front, stored, scratch, 4, out var w4);
            var p5 = Setup(table, s + 5, x, front, stored, scratch, 5, out var w5);
            var p6 = Setup(table, s + 6, x, front, stored, scratch, 6, out var w6);
            var p7 = Setup(table, s + 7, x, front, stored, scratch, 7, out var w7);
            Vector512<double> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector512<double> a4 = default, a5 = default, a6 = default, a7 = default;

            for (var i = 0; i < table.LeftTaps; i++)
            {
                var back = i * Lanes;
                a0 = Accumulate(a0, w0[i], p0 - back);
                a1 = Accumulate(a1, w1[i], p1 - back);
                a2 = Accumulate(a2, w2[i], p2 - back);
                a3 = Accumulate(a3, w3[i], p3 - back);
                a4 = Accumulate(a4, w4[i], p4 - back);
                a5 = Accumulate(a5, w5[i], p5 - back);
                a6 = Accumulate(a6, w6[i], p6 - back);
                a7 = Accumulate(a7, w7[i], p7 - back);
            }

            w0 += table.LeftTaps;
            w1 += table.LeftTaps;
            w2 += table.LeftTaps;
            w3 += table.LeftTaps;
            w4 += table.LeftTaps;
            w5 += table.LeftTaps;
            w6 += table.LeftTaps;
            w7 += table.LeftTaps;
            for (var k = 0; k < table.RightTaps; k++)
            {
                var ahead = (k + 1) * Lanes;
                a0 = Accumulate(a0, w0[k], p0 + ahead);
                a1 = Accumulate(a1, w1[k], p1 + ahead);
                a2 = Accumulate(a2, w2[k], p2 + ahead);
                a3 = Accumulate(a3, w3[k], p3 + ahead);
                a4 = Accumulate(a4, w4[k], p4 + ahead);
                a5 = Accumulate(a5, w5[k], p5 + ahead);
                a6 = Accumulate(a6, w6[k], p6 + ahead);
                a7 = Accumulate(a7, w7[k], p7 + ahead);
            }

            Write(a0, s, segmentOutputs, y, length);
            Write(a1, s + 1, segmentOutputs, y, length);
            Write(a2, s + 2, segmentOutputs, y, length);
            Write(a3, s + 3, segmentOutputs, y, length);
            Write(a4, s + 4, segmentOutputs, y, length);
            Write(a5, s + 5, segmentOutputs, y, length);
            Write(a6, s + 6, segmentOutputs, y, length);
            Write(a7, s + 7, segmentOutputs, y, length);
        }
    }

    /// <summary>Where chain <paramref name="chain"/>'s output <paramref name="s"/> reads: its centre row x[n] and its weights.</summary>
    private static unsafe double* Setup(
        ResamplerPhaseTable table, int s, double* x, int front, double* stored, double[]? scratch, int chain, out double* weights)
    {
        var phase = s % table.Phases;
        var centre = (long)(s / table.Phases) * table.InputsPerPeriod + table.Centre(phase);
        if (scratch is null)
        {
            weights = stored + (long)phase * table.RowLength;
        }
        else
        {
            table.BuildRow(phase, scratch.AsSpan(chain * table.RowLength, table.RowLength));
            weights = stored + chain * table.RowLength;
        }

        return x + (centre + front) * 8;
    }

    /// <summary>One term of eight running sums: <c>sum = float32(sum + w·x)</c>, segments 0-3 in <paramref name="low"/>, 4-7 in <paramref name="high"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Accumulate(ref Vector256<double> low, ref Vector256<double> high, double weight, double* x)
    {
        var w = Vector256.Create(weight);
        low = RoundToSingle(low + w * Vector256.Load(x));
        high = RoundToSingle(high + w * Vector256.Load(x + 4));
    }

    /// <summary>One term of eight running sums in one vector: <c>sum = float32(sum + w·x)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector512<double> Accumulate(Vector512<double> sum, double weight, double* x) =>
        Avx512F.ConvertToVector512Double(Avx512F.ConvertToVector256Single(sum + Vector512.Create(weight) * Vector512.Load(x)));

    /// <summary>Stores output s of each segment that exists (segment l in lane l).</summary>
    private static unsafe void Write(Vector512<double> sums, int s, int segmentOutputs, float* y, int length)
    {
        if (s >= segmentOutputs)
            return;
        for (var lane = 0; lane < Lanes; lane++)
        {
            var t = (long)lane * segmentOutputs + s;
            if (t < length)
                y[t] = (float)sums.GetElement(lane);
        }
    }

    /// <summary>Rounds each lane to float32 and back: resampy stores its running sum in a float32 array.</summary>
    private static Vector256<double> RoundToSingle(Vector256<double> value) =>
        Avx.IsSupported
            ? Avx.ConvertToVector256Double(Avx.ConvertToVector128Single(value))
            : Vector256.Create((double)(float)value[0], (double)(float)value[1], (double)(float)value[2], (double)(float)value[3]);
}
