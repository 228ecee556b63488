namespace EmotionRecognition.Application.Features;

/// <summary>
/// librosa's <c>power_to_db(S, ref=1.0, amin=1e-10, top_db)</c>:
/// <c>dB = 10·log10(max(amin, S)) − 10·log10(max(amin, ref))</c> (the second term is 0 for
/// ref = 1), then every value is raised to at least <c>max(dB) − top_db</c>. The maximum is
/// taken over everything passed in — for MFCCs the whole analysed slice, all frames and bands —
/// so a loud frame sets the floor for quiet ones.
/// </summary>
public static class PowerToDb
{
    /// <summary>amin: power below this (−100 dB) counts as this, which keeps log10 finite for silence.</summary>
    public const double MinimumPower = 1e-10;

    /// <summary>Converts <paramref name="values"/> from power to decibels in place and clips to the top_db floor.</summary>
    /// <returns>The maximum in dB before clipping.</returns>
    public static double ConvertInPlace(Span<double> values, double topDb)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(topDb);
        var max = double.NegativeInfinity;
        for (var i = 0; i < values.Length; i++)
        {
            var db = 10.0 * Math.Log10(Math.Max(MinimumPower, values[i]));
            values[i] = db;
            if (db > max)
                max = db;
        }

        var floor = max - topDb;
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] < floor)
                values[i] = floor;
        }

        return max;
    }
}
