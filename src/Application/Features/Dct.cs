namespace EmotionRecognition.Application.Features;

/// <summary>
/// Orthonormal DCT-II (scipy's <c>dct(type=2, norm='ortho')</c>), keeping only the first
/// <see cref="OutputCount"/> coefficients — MFCCs need 25 of 128, so only 25 rows are built:
/// <c>y[k] = s(k) · Σₙ x[n]·cos(π·k·(2n+1) / 2N)</c>, with <c>s(0) = √(1/N)</c> and
/// <c>s(k) = √(2/N)</c> otherwise, so the full transform is an orthogonal matrix.
/// The matrix is built once and never written again.
/// </summary>
public sealed class Dct
{
    private readonly double[] _matrix; // [OutputCount, InputLength], row-major

    public Dct(int inputLength, int outputCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(outputCount, inputLength);

        InputLength = inputLength;
        OutputCount = outputCount;
        _matrix = new double[outputCount * inputLength];
        for (var k = 0; k < outputCount; k++)
        {
            var scale = Math.Sqrt((k == 0 ? 1.0 : 2.0) / inputLength);
            for (var n = 0; n < inputLength; n++)
                _matrix[k * inputLength + n] = scale * Math.Cos(Math.PI * k * (2 * n + 1) / (2.0 * inputLength));
        }
    }

    /// <summary>N: values per input vector (mel bands).</summary>
    public int InputLength { get; }

    /// <summary>Coefficients produced (MFCCs kept).</summary>
    public int OutputCount { get; }

    public void Transform(ReadOnlySpan<double> input, Span<double> output)
    {
        if (input.Length != InputLength || output.Length < OutputCount)
            throw new ArgumentException($"Need {InputLength} inputs and room for {OutputCount} outputs.");

        var matrix = _matrix.AsSpan();
        for (var k = 0; k < OutputCount; k++)
        {
            output[k] = VectorMath.Dot(matrix.Slice(k * InputLength, InputLength), input);
        }
    }
}
