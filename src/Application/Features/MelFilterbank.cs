namespace EmotionRecognition.Application.Features;

/// <summary>
/// Triangular mel filters on the Slaney mel scale with Slaney ("area") normalisation —
/// librosa's <c>filters.mel(htk=False, norm='slaney')</c>, built in double precision.
/// <para>
/// The Slaney mel scale (Auditory Toolbox) is linear below 1 kHz at 200/3 Hz per mel and
/// logarithmic above, with 27 mels per factor 6.4 in frequency: 1 kHz is mel 15.
/// Band m has its lower edge, centre and upper edge at mel points m, m+1, m+2 of
/// <c>bands + 2</c> points spaced evenly in mel from fmin to fmax; its weight at FFT bin
/// frequency f is <c>max(0, min((f − lo)/(centre − lo), (hi − f)/(hi − centre)))</c>, scaled by
/// <c>2/(hi − lo)</c> so every filter has the same area (roughly constant energy per band).
/// </para>
/// Rows are stored sparsely (first bin + non-zero weights): applying the bank to a 1025-bin
/// power spectrum touches about 2 × 1025 weights instead of 128 × 1025. Immutable.
/// </summary>
public sealed class MelFilterbank
{
    private const double HzPerMelBelowBreak = 200.0 / 3;  // linear part: 66.67 Hz per mel
    private const double BreakHz = 1000.0;                 // where the scale turns logarithmic
    private const double BreakMel = BreakHz / HzPerMelBelowBreak; // = 15
    private static readonly double LogStep = Math.Log(6.4) / 27.0; // natural-log Hz per mel above the break

    private readonly int[] _firstBin;
    private readonly double[][] _weights;

    /// <param name="sampleRateHz">Rate of the analysed signal.</param>
    /// <param name="fftSize">n_fft: the spectrum has fftSize/2 + 1 bins, bin k at k·sr/n_fft Hz.</param>
    /// <param name="bandCount">Number of mel filters.</param>
    /// <param name="minFrequencyHz">Lower edge of the first filter.</param>
    /// <param name="maxFrequencyHz">Upper edge of the last filter.</param>
    public MelFilterbank(int sampleRateHz, int fftSize, int bandCount, double minFrequencyHz, double maxFrequencyHz)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRateHz);
        ArgumentOutOfRangeException.ThrowIfLessThan(fftSize, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bandCount);
        if (!(minFrequencyHz >= 0 && maxFrequencyHz > minFrequencyHz))
            throw new ArgumentOutOfRangeException(nameof(maxFrequencyHz), $"Need 0 ≤ fmin < fmax; got {minFrequencyHz} and {maxFrequencyHz} Hz.");

        SampleRateHz = sampleRateHz;
        BandCount = bandCount;
        BinCount = fftSize / 2 + 1;

        // Bin frequencies as numpy's rfftfreq: k / (n_fft · (1/sr)).
        var binSpacing = 1.0 / (fftSize * (1.0 / sampleRateHz));
        var binHz = new double[BinCount];
        for (var k = 0; k < BinCount; k++)
            binHz[k] = k * binSpacing;

        // bandCount + 2 edges evenly spaced in mel (numpy linspace: start + i·step, last point exact).
        var melLow = HzToMel(minFrequencyHz);
        var melHigh = HzToMel(maxFrequencyHz);
        var pointCount = bandCount + 2;
        var step = (melHigh - melLow) / (pointCount - 1);
        var edgesHz = new double[pointCount];
        for (var i = 0; i < pointCount; i++)
            edgesHz[i] = MelToHz(i == pointCount - 1 ? melHigh : melLow + i * step);
        EdgesHz = Array.AsReadOnly(edgesHz);

        _firstBin = new int[bandCount];
        _weights = new double[bandCount][];
        var row = new double[BinCount];
        for (var m = 0; m < bandCount; m++)
        {
            double lo = edgesHz[m], centre = edgesHz[m + 1], hi = edgesHz[m + 2];
            var areaNorm = 2.0 / (hi - lo);
            int first = -1, last = -1;
            for (var k = 0; k < BinCount; k++)
            {
                var rising = (binHz[k] - lo) / (centre - lo);
                var falling = (hi - binHz[k]) / (hi - centre);
                row[k] = Math.Max(0.0, Math.Min(rising, falling)) * areaNorm;
                if (row[k] > 0)
                {
                    if (first < 0)
                        first = k;
                    last = k;
                }
            }

            // A band narrower than one bin is empty (librosa warns); it keeps a zero-length row.
            _firstBin[m] = Math.Max(first, 0);
            _weights[m] = first < 0 ? [] : row.AsSpan(first, last - first + 1).ToArray();
        }
    }

    public int SampleRateHz { get; }

    /// <summary>Number of mel filters (rows).</summary>
    public int BandCount { get; }

    /// <summary>Spectrum bins each filter spans (columns): n_fft/2 + 1.</summary>
    public int BinCount { get; }

    /// <summary>The bandCount + 2 filter edges in Hz: band m rises from edge m, peaks at m+1, falls to m+2.</summary>
    public IReadOnlyList<double> EdgesHz { get; }

    /// <summary>Weight of FFT bin <paramref name="bin"/> in band <paramref name="band"/>.</summary>
    public double this[int band, int bin]
    {
        get
        {
            var offset = bin - _firstBin[band];
            return offset >= 0 && offset < _weights[band].Length ? _weights[band][offset] : 0.0;
        }
    }

    /// <summary>The bin where band <paramref name="band"/> has its largest weight (its peak); -1 for an empty band.</summary>
    public int PeakBin(int band)
    {
        var weights = _weights[band];
        if (weights.Length == 0)
            return -1;
        var best = 0;
        for (var i = 1; i < weights.Length; i++)
        {
            if (weights[i] > weights[best])
                best = i;
        }

        return _firstBin[band] + best;
    }

    /// <summary>Mel power: <c>mel[m] = Σₖ W[m,k]·power[k]</c>.</summary>
    public void Apply(ReadOnlySpan<double> power, Span<double> mel)
    {
        if (power.Length < BinCount || mel.Length < BandCount)
            throw new ArgumentException($"Need {BinCount} power bins and room for {BandCount} bands.");

        for (var m = 0; m < BandCount; m++)
        {
            var weights = _weights[m];
            mel[m] = VectorMath.Dot(weights, power.Slice(_firstBin[m], weights.Length));
        }
    }

    /// <summary>Slaney mel of a frequency: f / (200/3) below 1 kHz, 15 + ln(f / 1000) / (ln 6.4 / 27) above.</summary>
    public static double HzToMel(double frequencyHz) =>
        frequencyHz >= BreakHz
            ? BreakMel + Math.Log(frequencyHz / BreakHz) / LogStep
            : frequencyHz / HzPerMelBelowBreak;

    /// <summary>Inverse of <see cref="HzToMel"/>.</summary>
    public static double MelToHz(double mel) =>
        mel >= BreakMel
            ? BreakHz * Math.Exp(LogStep * (mel - BreakMel))
            : mel * HzPerMelBelowBreak;
}
