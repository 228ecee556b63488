namespace EmotionRecognition.Application.Features;

/// <summary>
/// A shift of the mel axis by a (fractional) number of bands: band m of the shifted clip reads the value at m + shift,
/// linearly interpolated between the two neighbouring bands and clamped at the edges. One definition for the two
/// places that move formants this way: training's perturbation (SequenceAugmentation) and the functionals model's
/// perturbed training copies (ClipFunctionals), so "one band up" means the same in both.
/// </summary>
public static class MelShift
{
    /// <summary>Largest shift any of them may use: 8 of 64 Slaney bands is about ±50 % in formant frequency, beyond any vocal tract.</summary>
    public const double MaxBands = 8;

    /// <summary>Where band <paramref name="band"/> of a <paramref name="bands"/>-band axis shifted by <paramref name="shift"/>
    /// reads from: <c>(1 − Fraction) · value[Below] + Fraction · value[Above]</c>.</summary>
    public static (int Below, int Above, double Fraction) Source(int band, double shift, int bands)
    {
        double source = Math.Clamp(band + shift, 0, bands - 1);
        int below = (int)source;
        return (below, Math.Min(below + 1, bands - 1), source - below);
    }
}
