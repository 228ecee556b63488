using EmotionRecognition.Application.Features;

namespace EmotionRecognition.Infrastructure.Models;

/// <summary>
/// A multinomial logistic regression on a clip's <see cref="ClipFunctionals"/>, served beside a CRNN (ensemble): the clip's
/// probabilities are <c>(1 − Weight) · CRNN + Weight · this</c>. The CRNN reads each mel band normalised over the utterance,
/// so it never sees the spectral envelope and its spread; this model sees little else, and on unseen speakers the two are
/// wrong on different clips (docs/crnn.md measures the mix). Stored whole in the manifest: it is a few thousand numbers.
/// </summary>
/// <param name="Layout">The <see cref="ClipFunctionals.LayoutName"/> the model was fitted on.</param>
/// <param name="Weight">Its share of the served probabilities, in (0, 1).</param>
/// <param name="L2">The ridge penalty it was fitted with (documentation: serving does not use it).</param>
/// <param name="Mean">Per functional, the training clips' mean (standardisation before the linear layer).</param>
/// <param name="Std">Per functional, the training clips' standard deviation (floored; never 0).</param>
/// <param name="Coefficients">[classes][functionals] on the standardised functionals.</param>
/// <param name="Intercepts">[classes].</param>
public sealed record FunctionalsModel(
    string Layout,
    double Weight,
    double L2,
    IReadOnlyList<double> Mean,
    IReadOnlyList<double> Std,
    IReadOnlyList<IReadOnlyList<double>> Coefficients,
    IReadOnlyList<double> Intercepts)
{
    /// <summary>The class probabilities (softmax of the linear scores) of one clip's functionals.</summary>
    /// <exception cref="ArgumentException">The vector's length is not the model's, or it holds a NaN or infinity.</exception>
    public float[] Probabilities(ReadOnlySpan<float> functionals)
    {
        if (functionals.Length != Mean.Count)
            throw new ArgumentException($"The clip has {functionals.Length} functionals; the model takes {Mean.Count} ({Layout}).", nameof(functionals));
        foreach (var value in functionals)
        {
            if (!float.IsFinite(value))
                throw new ArgumentException("The clip's functionals contain a value that is not a finite number.", nameof(functionals));
        }
        var scores = new double[Intercepts.Count];
        for (int k = 0; k < scores.Length; k++)
        {
            double score = Intercepts[k];
            var row = Coefficients[k];
            for (int j = 0; j < functionals.Length; j++)
                score += row[j] * ((functionals[j] - Mean[j]) / Std[j]);
            scores[k] = score;
        }
        double max = scores.Max(), sum = 0;
        for (int k = 0; k < scores.Length; k++)
        {
            scores[k] = Math.Exp(scores[k] - max);
            sum += scores[k];
        }
        return scores.Select(s => (float)(s / sum)).ToArray();
    }

    /// <summary>The served mix: <c>(1 − Weight) · <paramref name="network"/> + Weight · <see cref="Probabilities"/></c>.</summary>
    public float[] Mix(ReadOnlySpan<float> network, ReadOnlySpan<float> functionals)
    {
        var own = Probabilities(functionals);
        if (network.Length != own.Length)
            throw new ArgumentException($"The network gives {network.Length} classes; the functionals model {own.Length}.", nameof(network));
        var mixed = new float[own.Length];
        for (int k = 0; k < mixed.Length; k++)
            mixed[k] = (float)((1 - Weight) * network[k] + Weight * own[k]);
        return mixed;
    }

    /// <summary>Why this model cannot serve <paramref name="classes"/> classes from <paramref name="melBands"/>-band clips; null when it can.</summary>
    public string? Problem(int classes, int melBands)
    {
        int size = ClipFunctionals.Count(melBands);
        if (Layout != ClipFunctionals.LayoutName)
            return $"its functionals layout is '{Layout}'; this build computes '{ClipFunctionals.LayoutName}'";
        if (!(Weight is > 0 and < 1))
            return $"its weight is {Weight}; it must lie strictly between 0 and 1";
        if (Mean is null || Std is null || Coefficients is null || Intercepts is null)
            return "its mean, std, coefficients or intercepts are missing";
        if (Mean.Count != size || Std.Count != size)
            return $"it standardises {Mean.Count} means and {Std.Count} deviations; {melBands}-band clips have {size} functionals";
        if (Intercepts.Count != classes || Coefficients.Count != classes || Coefficients.Any(r => r is null || r.Count != size))
            return $"its coefficients are not {classes} rows of {size} with {classes} intercepts";
        if (Mean.Concat(Intercepts).Concat(Coefficients.SelectMany(r => r)).Any(v => !double.IsFinite(v)) || Std.Any(s => !(s > 0) || !double.IsFinite(s)))
            return "it holds a value that is not a finite number (or a deviation that is not positive)";
        return null;
    }
}
