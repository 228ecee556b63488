namespace EmotionRecognition.Trainer.Conditions;

/// <summary>
/// In-place iterative radix-2 complex FFT, <c>X[k] = Σₙ x[n]·e^(∓2πi·k·n/N)</c>, the inverse scaled by 1/N, for
/// shaping noise spectra and convolving with a room response. The product's <c>RealFft</c> is forward-only and
/// tuned to feature frames; these are whole-clip transforms run a few times per condition.
/// </summary>
internal static class Fft
{
    /// <summary>cos and sin of 2πk/N for k &lt; N/2, built once per size and never written again.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, (double[] Cos, double[] Sin)> Twiddles = new();

    public static int PowerOfTwoAtLeast(int n) => (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(n, 2));

    public static void Transform(double[] real, double[] imaginary, bool inverse)
    {
        var n = real.Length;
        if (n != imaginary.Length || (n & (n - 1)) != 0)
            throw new ArgumentException("The FFT needs two arrays of one power-of-two length.");
        for (int i = 1, j = 0; i < n; i++)
        {
            var bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1)
                j ^= bit;
            j ^= bit;
            if (i < j)
            {
                (real[i], real[j]) = (real[j], real[i]);
                (imaginary[i], imaginary[j]) = (imaginary[j], imaginary[i]);
            }
        }
        var (cos, sin) = Twiddles.GetOrAdd(n, static size =>
        {
            var c = new double[size / 2];
            var t = new double[size / 2];
            for (var k = 0; k < size / 2; k++)
            {
                c[k] = Math.Cos(2 * Math.PI * k / size);
                t[k] = Math.Sin(2 * Math.PI * k / size);
            }
            return (c, t);
        });
        // e^(−2πik/N) forward, e^(+2πik/N) inverse.
        var sign = inverse ? 1.0 : -1.0;
        for (var span = 2; span <= n; span <<= 1)
        {
            var half = span / 2;
            var step = n / span;
            for (var start = 0; start < n; start += span)
            {
                for (var k = 0; k < half; k++)
                {
                    double wr = cos[k * step], wi = sign * sin[k * step];
                    int a = start + k, b = a + half;
                    var tr = real[b] * wr - imaginary[b] * wi;
                    var ti = real[b] * wi + imaginary[b] * wr;
                    real[b] = real[a] - tr;
                    imaginary[b] = imaginary[a] - ti;
                    real[a] += tr;
                    imaginary[a] += ti;
                }
            }
        }
        if (inverse)
        {
            for (var i = 0; i < n; i++)
            {
                real[i] /= n;
                imaginary[i] /= n;
            }
        }
    }

    /// <summary>Linear convolution <c>y[n] = Σₖ h[k]·x[n−k]</c>, the first <paramref name="x"/>.Length samples.</summary>
    public static double[] Convolve(ReadOnlySpan<float> x, ReadOnlySpan<double> h)
    {
        var n = PowerOfTwoAtLeast(x.Length + h.Length - 1);
        // Two real transforms in one: z = x + i·h, then X[k] = (Z[k] + conj Z[N−k])/2, H[k] = (Z[k] − conj Z[N−k])/2i.
        double[] zr = new double[n], zi = new double[n], xr = new double[n], xi = new double[n];
        for (var i = 0; i < x.Length; i++)
            zr[i] = x[i];
        h.CopyTo(zi);
        Transform(zr, zi, inverse: false);
        for (var k = 0; k < n; k++)
        {
            var m = (n - k) & (n - 1);
            double ar = (zr[k] + zr[m]) / 2, ai = (zi[k] - zi[m]) / 2;   // X[k]
            double br = (zi[k] + zi[m]) / 2, bi = (zr[m] - zr[k]) / 2;   // H[k]
            xr[k] = ar * br - ai * bi;
            xi[k] = ar * bi + ai * br;
        }
        Transform(xr, xi, inverse: true);
        return xr[..x.Length];
    }
}
