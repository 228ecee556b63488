namespace EmotionRecognition.Application.Audio;

/// <summary>
/// The <see cref="KaiserFastFilter"/> weights of every output phase of one rate conversion.
/// <para>
/// With the rates reduced to L/M (L = to/g, M = from/g, g their gcd), output t sits at input time
/// t·M/L: at sample n = ⌊t·M/L⌋ plus the fraction ((t·M) mod L)/L. That fraction repeats every L
/// outputs while n advances by M, so L phases hold every filter position there is. resampy reads
/// the table at that fraction (time scaled by min(1, L/M) when downsampling, table stepped by
/// ⌊min(1, L/M)·512⌋), interpolating linearly between table points: the left wing gives
/// <c>x[n−i]</c> the weight <c>h[o + i·step] + η·Δh[o + i·step]</c> as far as the table reaches,
/// the right wing <c>x[n+1+k]</c> likewise from the complementary fraction. We evaluate exactly
/// those double weights once per phase (the fraction as a ratio of integers, where resampy
/// multiplies t by a rounded 1/ρ: a difference in the last bits of a double).
/// </para>
/// <para>
/// A phase's row holds <see cref="LeftTaps"/> left weights in resampy's order (for x[n], x[n−1], …)
/// then <see cref="RightTaps"/> right weights (x[n+1], x[n+2], …); a wing shorter than the longest
/// is padded with zeros, which leave a running sum unchanged.
/// </para>
/// Instances are immutable after construction and safe to share between threads.
/// </summary>
internal sealed class ResamplerPhaseTable
{
    /// <summary>Above this many phases rows are computed as they are needed, not stored.</summary>
    private const int MaxStoredPhases = 4096;

    private readonly double[] window;
    private readonly double[] delta;
    private readonly double scale;
    private readonly int step;
    private readonly double[]? rows;   // [phase][LeftTaps + RightTaps], or null: built per use by BuildRow

    /// <param name="store">Compute and keep every phase's weights now (else <see cref="BuildRow"/> per use).</param>
    public ResamplerPhaseTable(int fromRateHz, int toRateHz, bool store)
    {
        var divisor = (int)System.Numerics.BigInteger.GreatestCommonDivisor(fromRateHz, toRateHz);
        Phases = toRateHz / divisor;
        InputsPerPeriod = fromRateHz / divisor;

        // For downsampling resampy scales the table by the ratio, then takes its differences.
        var sampleRatio = (double)toRateHz / fromRateHz;
        scale = Math.Min(1.0, sampleRatio);
        step = (int)(scale * KaiserFastFilter.TablePointsPerCrossing);
        var half = KaiserFastFilter.HalfWindow;
        window = new double[half.Length];
        delta = new double[half.Length];
        for (var i = 0; i < half.Length; i++)
            window[i] = sampleRatio < 1 ? sampleRatio * half[i] : half[i];
        for (var i = 0; i < half.Length - 1; i++)
            delta[i] = window[i + 1] - window[i];

        // A wing has at most ⌊tableLength / step⌋ terms (at table offset 0).
        LeftTaps = half.Length / step;
        RightTaps = LeftTaps;

        if (store && Phases <= MaxStoredPhases)
        {
            rows = new double[Phases * RowLength];
            for (var phase = 0; phase < Phases; phase++)
                BuildRow(phase, rows.AsSpan(phase * RowLength, RowLength));
        }
    }

    /// <summary>L: outputs after which the filter positions repeat.</summary>
    public int Phases { get; }

    /// <summary>M: input samples that <see cref="Phases"/> outputs advance.</summary>
    public int InputsPerPeriod { get; }

    /// <summary>Left-wing weights per row (the longest left wing).</summary>
    public int LeftTaps { get; }

    /// <summary>Right-wing weights per row (the longest right wing).</summary>
    public int RightTaps { get; }

    /// <summary>Weights in one row.</summary>
    public int RowLength => LeftTaps + RightTaps;

    /// <summary>Whether the rows are stored; otherwise <see cref="BuildRow"/> computes each one.</summary>
    public bool IsStored => rows is not null;

    /// <summary>The stored rows, phase after phase (empty when not stored).</summary>
    public ReadOnlySpan<double> Rows => rows;

    /// <summary>⌊phase·M/L⌋: the input sample n of output <paramref name="phase"/> of a period, relative to the period's first.</summary>
    public long Centre(int phase) => (long)phase * InputsPerPeriod / Phases;

    /// <summary>Writes the weights of <paramref name="phase"/> (<see cref="RowLength"/> doubles).</summary>
    public void BuildRow(int phase, Span<double> row)
    {
        row.Clear();
        var tableLength = window.Length;
        var fraction = (double)((long)phase * InputsPerPeriod % Phases) / Phases;   // in input samples, [0, 1)

        // Left wing: x[n], x[n−1], … at distances frac, frac + 1, … (scaled for downsampling).
        var frac = scale * fraction;
        var indexFrac = frac * KaiserFastFilter.TablePointsPerCrossing;
        var offset = (int)indexFrac;
        var eta = indexFrac - offset;
        var count = (tableLength - offset) / step;
        for (var i = 0; i < count; i++)
        {
            var tap = offset + i * step;
            row[i] = window[tap] + eta * delta[tap];
        }

        // Right wing: x[n+1], x[n+2], … at distances scale − frac, …
        indexFrac = (scale - frac) * KaiserFastFilter.TablePointsPerCrossing;
        offset = (int)indexFrac;
        eta = indexFrac - offset;
        count = (tableLength - offset) / step;
        for (var k = 0; k < count; k++)
        {
            var tap = offset + k * step;
            row[LeftTaps + k] = window[tap] + eta * delta[tap];
        }
    }
}
