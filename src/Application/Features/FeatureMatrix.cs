namespace EmotionRecognition.Application.Features;

/// <summary>
/// Features over time: <see cref="Rows"/> (MFCCs, mel bands, or mel bands and pitch rows) by
/// <see cref="Frames"/> columns, stored row-major as [row, frame] like librosa's
/// <c>mfcc</c> output. Immutable.
/// </summary>
public sealed class FeatureMatrix
{
    private readonly float[] _values;

    /// <param name="rows">Rows: MFCCs, mel bands, or mel bands and pitch rows.</param>
    /// <param name="frames">Columns (time).</param>
    /// <param name="values">rows × frames values, row-major [row, frame]; copied.</param>
    public FeatureMatrix(int rows, int frames, ReadOnlySpan<float> values)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(frames);
        if (values.Length != (long)rows * frames)
            throw new ArgumentException($"Expected {rows} × {frames} values, got {values.Length}.", nameof(values));
        Rows = rows;
        Frames = frames;
        _values = values.ToArray();
    }

    private FeatureMatrix(int rows, int frames, float[] values)
    {
        Rows = rows;
        Frames = frames;
        _values = values;
    }

    /// <summary>Rows: MFCCs per frame, mel bands, or mel bands and pitch rows.</summary>
    public int Rows { get; }

    /// <summary>Columns: analysis frames (one per hop).</summary>
    public int Frames { get; }

    public float this[int row, int frame]
    {
        get
        {
            if ((uint)row >= (uint)Rows)
                throw new ArgumentOutOfRangeException(nameof(row), row, $"Valid rows are 0..{Rows - 1}.");
            if ((uint)frame >= (uint)Frames)
                throw new ArgumentOutOfRangeException(nameof(frame), frame, $"Valid frames are 0..{Frames - 1}.");
            return _values[row * Frames + frame];
        }
    }

    /// <summary>One row over all frames.</summary>
    public ReadOnlySpan<float> Row(int row)
    {
        if ((uint)row >= (uint)Rows)
            throw new ArgumentOutOfRangeException(nameof(row), row, $"Valid rows are 0..{Rows - 1}.");
        return _values.AsSpan(row * Frames, Frames);
    }

    /// <summary>All values, row-major [row, frame].</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>
    /// The mean of each row over all frames (librosa: <c>mfcc.mean(axis=1)</c>), summed in
    /// double precision. A matrix with no frames yields zeros.
    /// </summary>
    public float[] MeanOverFrames()
    {
        var means = new float[Rows];
        if (Frames == 0)
            return means;
        for (var c = 0; c < Rows; c++)
        {
            var row = _values.AsSpan(c * Frames, Frames);
            var sum = 0.0;
            foreach (var value in row)
                sum += value;
            means[c] = (float)(sum / Frames);
        }

        return means;
    }

    /// <summary>Takes ownership of <paramref name="values"/> without copying (the pipeline's own buffers).</summary>
    internal static FeatureMatrix Wrap(int rows, int frames, float[] values) => new(rows, frames, values);
}
