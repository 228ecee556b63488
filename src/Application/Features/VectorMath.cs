using System.Runtime.Intrinsics;

namespace EmotionRecognition.Application.Features;

/// <summary>Small SIMD kernels shared by the DSP pieces.</summary>
internal static class VectorMath
{
    /// <summary>Σ a[i]·b[i] over the common length, four lanes at a time (summation order differs from a plain loop by rounding only).</summary>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var length = Math.Min(a.Length, b.Length);
        var i = 0;
        var sum = 0.0;
        if (Vector256.IsHardwareAccelerated && length >= 8)
        {
            var accumulator0 = Vector256<double>.Zero;
            var accumulator1 = Vector256<double>.Zero;
            for (; i + 8 <= length; i += 8)
            {
                accumulator0 += Vector256.Create(a.Slice(i, 4)) * Vector256.Create(b.Slice(i, 4));
                accumulator1 += Vector256.Create(a.Slice(i + 4, 4)) * Vector256.Create(b.Slice(i + 4, 4));
            }

            sum = Vector256.Sum(accumulator0 + accumulator1);
        }

        for (; i < length; i++)
            sum += a[i] * b[i];
        return sum;
    }
}
