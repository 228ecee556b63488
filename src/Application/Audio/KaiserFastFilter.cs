namespace EmotionRecognition.Application.Audio;

/// <summary>
/// resampy 0.4.2's <c>kaiser_fast</c> interpolation filter (J. O. Smith, "Digital Audio
/// Resampling"): the right half of a windowed sinc with 24 zero crossings and 512 table points
/// per crossing, <c>h[i] = r·sinc(r·xᵢ)·kaiser(i)</c>, <c>xᵢ = 24·i/(24·512)</c>, i = 0..24·512,
/// rolloff r = 0.868212 (the cut-off as a fraction of Nyquist), kaiser the right half of a
/// symmetric Kaiser window of 2·24·512+1 points with β = 9.90322. Between table points the
/// filter is interpolated linearly with forward differences (the last one 0).
/// <para>
/// This is what <c>librosa.load(sr=…, res_type='kaiser_fast')</c> used to train the original
/// models; other resamplers (polyphase FIR designs, FFT, even resampy's <c>kaiser_best</c>) move
/// mean MFCCs by 3 to 9, so the coefficients and their interpolation are resampy's exactly.
/// </para>
/// </summary>
internal static class KaiserFastFilter
{
    public const int ZeroCrossings = 24;
    public const int TablePointsPerCrossing = 512;  // resampy "precision" 9: 2^9
    private const double Rolloff = 0.868212;
    private const double KaiserBeta = 9.90322;

    /// <summary>The right half of the filter, h[0] at time 0 (24·512 + 1 points). Never written after it is built.</summary>
    public static readonly double[] HalfWindow = BuildHalfWindow();

    /// <summary>resampy's <c>sinc_window(num_zeros=24, precision=9, rolloff=0.868212, window=kaiser(β=9.90322))</c>.</summary>
    private static double[] BuildHalfWindow()
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
