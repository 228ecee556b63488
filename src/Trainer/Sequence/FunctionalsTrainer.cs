using System.Numerics;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Infrastructure.Models;
using EmotionRecognition.Trainer.Corpus;

namespace EmotionRecognition.Trainer.Sequence;

/// <summary>
/// Fits the <see cref="FunctionalsModel"/>: each functional standardised over the training clips, then a multinomial
/// logistic regression with a ridge penalty on the weights (not the intercepts), minimising
/// <c>mean cross-entropy + L2/2 · ‖W‖²</c> with L-BFGS in double precision. The problem is strictly convex, so the fit is
/// the unique minimum whatever the start: no seed, no epochs, no validation actors, and the same clips always give the
/// same model (up to the optimiser's tolerance).
/// </summary>
internal static class FunctionalsTrainer
{
    /// <summary>Iterations are stopped here even if the gradient is not yet below <see cref="GradientTolerance"/>.</summary>
    public const int MaxIterations = 2000;

    /// <summary>Converged when no gradient component exceeds this.</summary>
    public const double GradientTolerance = 1e-7;

    /// <summary>Deviations below this count as 1: a functional constant over the training clips carries nothing.</summary>
    public const double MinStd = 1e-9;

    private const int History = 10;

    /// <summary>
    /// The speaker perturbations each training clip is also read under (mel shift in bands, F0 shift in semitones): every
    /// combination of −1, 0, +1 of both but the clip as it is, the range the networks' own training perturbation draws from
    /// (±2 bands, ±1 semitone). A regression fitted on 16 voices learns their formant and pitch positions; showing it each
    /// voice slightly longer, shorter, higher and lower makes it lean on what the emotion does to them instead
    /// (docs/crnn.md: 55.25 → 56.3 % alone in the prototype's terms, +1 point in the mix).
    /// </summary>
    public static IReadOnlyList<(double MelBands, double Semitones)> Perturbations { get; } =
        [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)];

    /// <summary>The functionals of the clip's raw log-mel under each of <see cref="Perturbations"/>, in order.</summary>
    public static float[][] Perturbed(FeatureMatrix logMel, PitchTrack track, double floorDb) =>
        Perturbations.Select(p => ClipFunctionals.Compute(logMel, track, p.MelBands, p.Semitones, floorDb)).ToArray();

    /// <summary>
    /// The recipe's functionals model of these clips (<see cref="SequenceTrainingOptions.FunctionalsWeight"/> and
    /// <see cref="SequenceTrainingOptions.FunctionalsL2"/>), fitted on each clip as it is and under every one of
    /// <see cref="Perturbations"/> (<see cref="SequenceExample.PerturbedFunctionals"/>), all with its label; null when the
    /// recipe's weight is 0.
    /// </summary>
    /// <exception cref="InvalidOperationException">A clip has no functionals (a profile without pitch rows).</exception>
    public static FunctionalsModel? Fit(IReadOnlyList<LabeledClip<SequenceExample>> clips, SequenceTrainingOptions options)
    {
        if (options.FunctionalsWeight == 0)
        {
            return null;
        }
        var missing = clips.FirstOrDefault(c => c.Features.Functionals is null);
        if (missing is not null)
        {
            throw new InvalidOperationException($"'{missing.Path}' has no functionals: they need a profile with pitch rows.");
        }
        var examples = clips.SelectMany(c => (c.Features.PerturbedFunctionals ?? []).Prepend(c.Features.Functionals!)
            .Concat(c.Features.Copies.Select(copy => copy.Functionals!))
            .Select(f => (Functionals: f, Class: (int)c.Emotion))).ToArray();
        return Fit(examples.Select(e => e.Functionals).ToArray(), examples.Select(e => e.Class).ToArray(),
            Domain.Emotions.Count, options.FunctionalsL2, options.FunctionalsWeight);
    }

    /// <param name="functionals">One <see cref="ClipFunctionals"/> vector per training clip.</param>
    /// <param name="classes">Each clip's class index.</param>
    /// <param name="classCount">Classes of the model (every index in <paramref name="classes"/> is below it).</param>
    /// <param name="l2">Ridge penalty (≥ 0) per unit of mean cross-entropy.</param>
    /// <param name="weight">The model's share of the served mix, stored with it.</param>
    public static FunctionalsModel Fit(IReadOnlyList<float[]> functionals, IReadOnlyList<int> classes, int classCount, double l2, double weight)
    {
        ArgumentNullException.ThrowIfNull(functionals);
        ArgumentNullException.ThrowIfNull(classes);
        if (functionals.Count == 0 || functionals.Count != classes.Count)
            throw new ArgumentException($"Need one class per clip and at least one clip; got {functionals.Count} clips and {classes.Count} classes.");
        int n = functionals.Count, d = functionals[0].Length;
        if (functionals.Any(f => f.Length != d))
            throw new ArgumentException("Every clip needs the same number of functionals.", nameof(functionals));
        if (classes.Any(c => c < 0 || c >= classCount))
            throw new ArgumentOutOfRangeException(nameof(classes), $"Class indices must be 0 to {classCount - 1}.");
        if (!(l2 >= 0) || !double.IsFinite(l2))
            throw new ArgumentOutOfRangeException(nameof(l2), l2, "The ridge penalty must be a finite number ≥ 0.");

        var mean = new double[d];
        var std = new double[d];
        for (int j = 0; j < d; j++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++)
                sum += functionals[i][j];
            mean[j] = sum / n;
            double squares = 0;
            for (int i = 0; i < n; i++)
                squares += (functionals[i][j] - mean[j]) * (functionals[i][j] - mean[j]);
            double s = Math.Sqrt(squares / n);
            std[j] = s < MinStd ? 1 : s;
        }
        var z = new double[n * d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++)
                z[i * d + j] = (functionals[i][j] - mean[j]) / std[j];

        var objective = new Objective(z, classes.ToArray(), n, d, classCount, l2);
        var theta = Minimise(objective, new double[classCount * (d + 1)]);
        var coefficients = Enumerable.Range(0, classCount).Select(k => (IReadOnlyList<double>)theta.AsSpan(k * d, d).ToArray()).ToArray();
        var intercepts = theta.AsSpan(classCount * d, classCount).ToArray();
        return new FunctionalsModel(ClipFunctionals.LayoutName, weight, l2, mean, std, coefficients, intercepts);
    }

    /// <summary>Mean cross-entropy + L2/2 ‖W‖² and its gradient; θ = [W row-major (classes × d), b (classes)].</summary>
    private sealed class Objective(double[] z, int[] y, int n, int d, int classes, double l2)
    {
        public double Evaluate(double[] theta, double[] gradient)
        {
            Array.Clear(gradient);
            var scores = new double[classes];
            double loss = 0;
            for (int i = 0; i < n; i++)
            {
                var row = z.AsSpan(i * d, d);
                double max = double.NegativeInfinity;
                for (int k = 0; k < classes; k++)
                {
                    double s = theta[classes * d + k] + Dot(theta.AsSpan(k * d, d), row);
                    scores[k] = s;
                    max = Math.Max(max, s);
                }
                double sum = 0;
                for (int k = 0; k < classes; k++)
                    sum += Math.Exp(scores[k] - max);
                double logSum = max + Math.Log(sum);
                loss += logSum - scores[y[i]];
                for (int k = 0; k < classes; k++)
                {
                    double residual = (Math.Exp(scores[k] - logSum) - (k == y[i] ? 1 : 0)) / n;
                    Axpy(residual, row, gradient.AsSpan(k * d, d));
                    gradient[classes * d + k] += residual;
                }
            }
            loss /= n;
            for (int j = 0; j < classes * d; j++)
            {
                loss += 0.5 * l2 * theta[j] * theta[j];
                gradient[j] += l2 * theta[j];
            }
            return loss;
        }
    }

    /// <summary>L-BFGS (two-loop recursion, <see cref="History"/> pairs) with a backtracking Armijo line search.</summary>
    private static double[] Minimise(Objective objective, double[] theta)
    {
        int size = theta.Length;
        var gradient = new double[size];
        double loss = objective.Evaluate(theta, gradient);
        var steps = new List<(double[] S, double[] Y, double Rho)>();
        var candidate = new double[size];
        var candidateGradient = new double[size];
        for (int iteration = 0; iteration < MaxIterations && gradient.Max(Math.Abs) > GradientTolerance; iteration++)
        {
            var direction = Direction(gradient, steps);
            double slope = Dot(direction, gradient);
            if (slope >= 0)
            {
                // Not a descent direction (curvature history gone stale): restart from steepest descent.
                steps.Clear();
                direction = gradient.Select(g => -g).ToArray();
                slope = Dot(direction, gradient);
            }
            double step = steps.Count == 0 ? Math.Min(1, 1 / Math.Sqrt(-slope)) : 1;
            double next;
            while (true)
            {
                for (int i = 0; i < size; i++)
                    candidate[i] = theta[i] + step * direction[i];
                next = objective.Evaluate(candidate, candidateGradient);
                if (next <= loss + 1e-4 * step * slope || step < 1e-20)
                    break;
                step /= 2;
            }
            if (!(next < loss))
                break; // no further decrease representable in double precision
            var s = new double[size];
            var yv = new double[size];
            for (int i = 0; i < size; i++)
            {
                s[i] = candidate[i] - theta[i];
                yv[i] = candidateGradient[i] - gradient[i];
            }
            double sy = Dot(s, yv);
            if (sy > 1e-12)
            {
                if (steps.Count == History)
                    steps.RemoveAt(0);
                steps.Add((s, yv, 1 / sy));
            }
            Array.Copy(candidate, theta, size);
            Array.Copy(candidateGradient, gradient, size);
            loss = next;
        }
        return theta;
    }

    private static double[] Direction(double[] gradient, List<(double[] S, double[] Y, double Rho)> steps)
    {
        var q = gradient.Select(g => -g).ToArray();
        var alphas = new double[steps.Count];
        for (int m = steps.Count - 1; m >= 0; m--)
        {
            alphas[m] = steps[m].Rho * Dot(steps[m].S, q);
            Axpy(-alphas[m], steps[m].Y, q);
        }
        if (steps.Count > 0)
        {
            var (s, y, _) = steps[^1];
            double scale = Dot(s, y) / Dot(y, y);
            for (int i = 0; i < q.Length; i++)
                q[i] *= scale;
        }
        for (int m = 0; m < steps.Count; m++)
        {
            double beta = steps[m].Rho * Dot(steps[m].Y, q);
            Axpy(alphas[m] - beta, steps[m].S, q);
        }
        return q;
    }

    // SIMD over System.Numerics.Vector (the fit spends nearly all its time here); the summation order is fixed by the
    // length and the machine's vector width, so a machine always gives the same model.
    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sums = Vector<double>.Zero;
        int i = 0;
        for (; i <= a.Length - Vector<double>.Count; i += Vector<double>.Count)
            sums += new Vector<double>(a.Slice(i)) * new Vector<double>(b.Slice(i));
        double sum = Vector.Sum(sums);
        for (; i < a.Length; i++)
            sum += a[i] * b[i];
        return sum;
    }

    private static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        var scale = new Vector<double>(a);
        int i = 0;
        for (; i <= y.Length - Vector<double>.Count; i += Vector<double>.Count)
            (new Vector<double>(y.Slice(i)) + scale * new Vector<double>(x.Slice(i))).CopyTo(y.Slice(i));
        for (; i < y.Length; i++)
            y[i] += a * x[i];
    }
}
