namespace EmotionRecognition.Infrastructure.ModelSets;

/// <summary>
/// Per-coefficient z-scoring, x' = (x - mean) / std. Fitted on training actors only and saved
/// with the weights, so serving scales inputs exactly as training did.
/// </summary>
public sealed record Standardization(float[] Mean, float[] Std)
{
    /// <summary>Below this a coefficient is treated as constant (std 1) rather than blown up.</summary>
    private const double MinStd = 1e-6;

    public int Size => Mean.Length;

    /// <summary>Population mean and standard deviation of each column, computed in double precision.</summary>
    public static Standardization Fit(IReadOnlyList<float[]> rows)
    {
        if (rows.Count == 0)
        {
            throw new ArgumentException("Cannot fit a standardisation on zero rows.", nameof(rows));
        }
        int size = rows[0].Length;
        var sum = new double[size];
        foreach (var row in rows)
        {
            for (int j = 0; j < size; j++)
            {
                sum[j] += row[j];
            }
        }
        var mean = sum.Select(s => s / rows.Count).ToArray();
        var squares = new double[size];
        foreach (var row in rows)
        {
            for (int j = 0; j < size; j++)
            {
                double d = row[j] - mean[j];
                squares[j] += d * d;
            }
        }
        var std = squares.Select(s => Math.Sqrt(s / rows.Count)).Select(s => s < MinStd ? 1.0 : s);
        return new Standardization(mean.Select(m => (float)m).ToArray(), std.Select(s => (float)s).ToArray());
    }

    /// <summary>Writes the standardised <paramref name="row"/> into <paramref name="destination"/>.</summary>
    public void Apply(ReadOnlySpan<float> row, Span<float> destination)
    {
        if (row.Length != Size)
        {
            throw new ArgumentException($"Expected {Size} features, got {row.Length}.");
        }
        for (int j = 0; j < Size; j++)
        {
            destination[j] = (row[j] - Mean[j]) / Std[j];
        }
    }

    public float[] Apply(ReadOnlySpan<float> row)
    {
        var result = new float[row.Length];
        Apply(row, result);
        return result;
    }
}
