namespace EmotionRecognition.Application.Features;

/// <summary>
/// What a sequence network sees of a clip: its log-mel spectrogram (from <see cref="SpeechAnalysis.LogMel"/>)
/// with the leading and trailing silence cut off, each band normalised over the utterance itself.
/// Training and serving both call <see cref="Prepare"/>, so they cannot drift. Per-utterance
/// normalisation needs nothing but the clip: it removes the speaker's and the microphone's average
/// spectral tilt (a constant offset per band in dB) and the recording level, which is what lets a
/// model trained on 16 speakers carry over to a 17th.
/// </summary>
public static class SequenceFeatures
{
    /// <summary>
    /// A frame is speech when its total mel power is within this many dB of the loudest frame.
    /// RAVDESS's studio silence sits 50-70 dB below the speech peak; unvoiced onsets sit 25-35 dB below.
    /// </summary>
    public const double TrimThresholdDb = 40;

    /// <summary>Frames of context kept on each side of the detected speech (about 46 ms at hop 512 and 22.05 kHz).</summary>
    public const int TrimMarginFrames = 2;

    /// <summary>Per-band standard deviations below this (dB) count as this, so a flat band is not blown up into noise.</summary>
    public const double MinBandStdDb = 1.0;

    /// <summary>
    /// Every value of <paramref name="logMel"/> raised to at least its loudest value minus <paramref name="floorDb"/>
    /// (<see cref="FeatureProfile.FloorDb"/>); the matrix itself when <paramref name="floorDb"/> is 0 or nothing lies below.
    /// </summary>
    public static FeatureMatrix Floor(FeatureMatrix logMel, double floorDb)
    {
        ArgumentNullException.ThrowIfNull(logMel);
        if (floorDb <= 0 || logMel.Values.Length == 0)
            return logMel;
        var peak = float.NegativeInfinity;
        foreach (var v in logMel.Values)
            peak = Math.Max(peak, v);
        var floor = (float)(peak - floorDb);
        if (!logMel.Values.ContainsAnyExceptInRange(floor, float.PositiveInfinity))
            return logMel;
        var values = logMel.Values.ToArray();
        for (var i = 0; i < values.Length; i++)
            values[i] = Math.Max(values[i], floor);
        return FeatureMatrix.Wrap(logMel.Rows, logMel.Frames, values);
    }

    /// <summary>
    /// The network input, [bands, frames]: the <see cref="SpeechSpan"/> of the log-mel raised to the level floor
    /// (<see cref="Floor"/>; none when <paramref name="floorDb"/> is 0), normalised per utterance.
    /// </summary>
    public static FeatureMatrix Prepare(FeatureMatrix logMel, double floorDb = 0)
    {
        var (start, count) = SpeechSpan(logMel, floorDb);
        return NormalisePerUtterance(Frames(Floor(logMel, floorDb), start, count));
    }

    /// <summary>
    /// The frames from the first to the last one whose power is within <see cref="TrimThresholdDb"/> of the loudest frame's,
    /// widened by <see cref="TrimMarginFrames"/>; silence inside the utterance is kept, because pauses carry emotion. Frame
    /// power in dB is <c>10·log10(Σ_m 10^(dB_m/10))</c>, the log of the summed mel power (computed relative to the loudest
    /// band to stay in range). Under a level floor (<paramref name="floorDb"/> above 0) it is the whole clip: the floor
    /// raises silence to a constant the per-utterance statistics see as such, and trimming relative to the floor, tried
    /// against this, lost more under noise than it gained on padded clips (docs/conditions.md, The speech span).
    /// </summary>
    public static (int Start, int Count) SpeechSpan(FeatureMatrix logMel, double floorDb = 0)
    {
        ArgumentNullException.ThrowIfNull(logMel);
        var frames = logMel.Frames;
        if (frames == 0 || floorDb > 0)
            return (0, frames);

        var values = logMel.Values;
        var bands = logMel.Rows;
        var peak = double.NegativeInfinity;
        foreach (var v in values)
            peak = Math.Max(peak, v);

        var power = new double[frames];
        var loudest = double.NegativeInfinity;
        for (var t = 0; t < frames; t++)
        {
            var sum = 0.0;
            for (var m = 0; m < bands; m++)
                sum += Math.Pow(10, (values[m * frames + t] - peak) / 10);
            power[t] = 10 * Math.Log10(sum);
            loudest = Math.Max(loudest, power[t]);
        }

        var threshold = loudest - TrimThresholdDb;
        var first = 0;
        while (power[first] < threshold)
            first++;
        var last = frames - 1;
        while (power[last] < threshold)
            last--;
        first = Math.Max(0, first - TrimMarginFrames);
        last = Math.Min(frames - 1, last + TrimMarginFrames);
        return (first, last - first + 1);
    }

    /// <summary>The <see cref="SpeechSpan"/> of <paramref name="logMel"/> as a new matrix.</summary>
    public static FeatureMatrix Trim(FeatureMatrix logMel, double floorDb = 0)
    {
        var (start, count) = SpeechSpan(logMel, floorDb);
        return Frames(logMel, start, count);
    }

    /// <summary>Frames [start, start + count) of every row (the matrix itself when that is all of it).</summary>
    public static FeatureMatrix Frames(FeatureMatrix matrix, int start, int count)
    {
        if (start == 0 && count == matrix.Frames)
            return matrix;
        var rows = matrix.Rows;
        var values = new float[rows * count];
        for (var m = 0; m < rows; m++)
            matrix.Row(m).Slice(start, count).CopyTo(values.AsSpan(m * count, count));
        return FeatureMatrix.Wrap(rows, count, values);
    }

    /// <summary>
    /// Each band to zero mean and unit variance over the clip's frames (cepstral mean and variance
    /// normalisation, applied to log-mel bands), in double precision. The standard deviation is floored
    /// at <see cref="MinBandStdDb"/>. A matrix with no frames is returned as is.
    /// </summary>
    public static FeatureMatrix NormalisePerUtterance(FeatureMatrix features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var frames = features.Frames;
        var bands = features.Rows;
        var values = new float[bands * frames];
        for (var m = 0; m < bands; m++)
        {
            var row = features.Row(m);
            var sum = 0.0;
            foreach (var v in row)
                sum += v;
            var mean = frames == 0 ? 0 : sum / frames;
            var squares = 0.0;
            foreach (var v in row)
                squares += (v - mean) * (v - mean);
            var std = Math.Max(MinBandStdDb, frames == 0 ? 0 : Math.Sqrt(squares / frames));
            var target = values.AsSpan(m * frames, frames);
            for (var t = 0; t < frames; t++)
                target[t] = (float)((row[t] - mean) / std);
        }

        return FeatureMatrix.Wrap(bands, frames, values);
    }
}
