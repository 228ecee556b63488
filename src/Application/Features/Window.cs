namespace EmotionRecognition.Application.Features;

/// <summary>Analysis windows.</summary>
public static class Window
{
    /// <summary>
    /// Periodic Hann window of <paramref name="length"/> samples:
    /// <c>w[n] = 0.5 − 0.5·cos(2πn/N)</c>, n = 0..N−1 — the first N points of a symmetric
    /// window of N+1, which is what spectral analysis wants (scipy's
    /// <c>get_window('hann', N, fftbins=True)</c>, librosa's default). w[0] = 0, w[N/2] = 1.
    /// </summary>
    public static double[] PeriodicHann(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        var window = new double[length];
        for (var n = 0; n < length; n++)
            window[n] = 0.5 - 0.5 * Math.Cos(2 * Math.PI * n / length);
        return window;
    }
}
