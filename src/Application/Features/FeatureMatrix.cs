namespace EmotionRecognition.Application.Features;

/// <summary>
/// Features over time: <see cref="Coefficients"/> rows (MFCCs or mel bands) by
/// <see cref="Frames"/> columns, stored row-major as [coefficient, frame] like librosa's
/// <c>mfcc</c> output. Immutable.
/// </summary>
public sealed class FeatureMatrix
{
    private readonly float[] _values;

    /// <param name="coefficients">Rows.</param>
    /// <param name="frames">Columns (time).</param>
    /// <param name="values">coefficients × frames values, row-major [coefficient, frame]; copied.</param>
    public FeatureMatrix(int coefficients, int frames, ReadOnlySpan<float> values)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(coefficients);
        ArgumentOutOfRangeException.ThrowIfNegative(frames);
        if (values.Length != (long)coefficients * frames)
            throw new ArgumentException($"Expected {coefficients} × {frames} values, got {values.Length}.", nameof(values));
        Coefficients = coefficients;
        Frames = frames;
        _values = values.ToArray();
    }

    private FeatureMatrix(int coefficients, int frames, float[] values)
    {
        Coefficients = coefficients;
        Frames = frames;
        _values = values;
    }

    /// <summary>Rows: MFCCs per frame, or mel bands.</summary>
    public int Coefficients { get; }

    /// <summary>Columns: analysis frames (one per hop).</summary>
    public int Frames { get; }

    public float this[int coefficient, int frame]
    {
        get
        {
            if ((uint)coefficient >= (uint)Coefficients)
                throw new ArgumentOutOfRangeException(nameof(coefficient), coefficient, $"Valid coefficients are 0..{Coefficients - 1}.");
            if ((uint)frame >= (uint)Frames)
                throw new ArgumentOutOfRangeException(nameof(frame), frame, $"Valid frames are 0..{Frames - 1}.");
            return _values[coefficient * Frames + frame];
        }
    }

    /// <summary>One coefficient over all frames.</summary>
    public ReadOnlySpan<float> Row(int coefficient)
    {
        if ((uint)coefficient >= (uint)Coefficients)
            throw new ArgumentOutOfRangeException(nameof(coefficient), coefficient, $"Valid coefficients are 0..{Coefficients - 1}.");
        return _values.AsSpan(coefficient * Frames, Frames);
    }

    /// <summary>All values, row-major [coefficient, frame].</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>
    /// The mean of each coefficient over all frames (librosa: <c>mfcc.mean(axis=1)</c>), summed in
    /// double precision. A matrix with no frames yields zeros.
    /// </summary>
    public float[] MeanOverFrames()
    {
        var means = new float[Coefficients];
        if (Frames == 0)
            return means;
        for (var c = 0; c < Coefficients; c++)
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
    internal static FeatureMatrix Wrap(int coefficients, int frames, float[] values) => new(coefficients, frames, values);
}
