namespace EmotionRecognition.Application.Features;

/// <summary>
/// A clip summarised as one fixed-length vector of statistics ("functionals") of its raw log-mel and pitch track, for the
/// linear model that serves beside the CRNN ensemble (<c>FunctionalsModel</c>). The CRNN sees each mel band normalised
/// over the utterance, which removes the clip's spectral envelope and its dynamics; these statistics keep exactly that —
/// spectral shape, its spread and movement, pitch level and range, voicing — so the two models err on different clips.
/// <para>
/// Gain-invariant: every log-mel value is taken relative to the clip's mean level over its speech frames, so a louder
/// recording of the same speech gives the same vector (unless it is so quiet that the log-mel's absolute floor,
/// −100 dB, cuts into the speech). Computed on the <see cref="SequenceFeatures.SpeechSpan"/> frames,
/// from the same log-mel and pitch track <see cref="FeaturePipeline.ExtractSequence"/> prepares, so the Trainer (from its
/// caches) and the Api (from the request) compute the same numbers.
/// </para>
/// Layout, for B mel bands and C = <see cref="CepstralCoefficients"/> cepstral coefficients c = DCT-II_ortho(level-relative dB):
/// <code>
/// [0, 6C)         per coefficient: mean, std, 10th, 50th, 90th percentile, slope per frame       (6 blocks of C)
/// [6C, 9C)        per coefficient: std of Δc, mean |Δc|, std of Δ²c                                (3 blocks of C)
/// [9C, 9C+3B)     per mel band: mean, std, std of Δ                                                 (3 blocks of B)
/// [9C+3B, +21)    prosody: voiced share; ln F0 over voiced frames: mean, std, 5/25/50/75/95th percentile,
///                 95th − 5th; mean |Δ ln F0|, std Δ ln F0 (between successive voiced frames, unvoiced gaps skipped); periodicity mean, std,
///                 mean over voiced frames; ln(frames); frame level (loudest band): std, std of Δ, 10/50/90th
///                 percentile, share of frames above its median
/// </code>
/// Standard deviations are population ones; percentiles interpolate linearly (numpy's default). Statistics that need more
/// frames than the clip has (a Δ² of two frames, an F0 spread of fewer than <see cref="MinVoicedFrames"/> voiced frames) are 0.
/// </summary>
public static class ClipFunctionals
{
    /// <summary>Name of this layout, stored with a model trained on it; a change to any statistic needs a new name.</summary>
    public const string LayoutName = "clip-functionals-v1";

    /// <summary>Cepstral coefficients summarised (of the mel bands' DCT): the envelope, without the pitch harmonics.</summary>
    public const int CepstralCoefficients = 40;

    /// <summary>Prosody statistics at the end of the vector.</summary>
    public const int ProsodyCount = 21;

    /// <summary>Fewer voiced frames than this and the F0 statistics are 0: no pitch to describe.</summary>
    public const int MinVoicedFrames = 3;

    /// <summary>Length of the vector for <paramref name="melBands"/> mel bands.</summary>
    public static int Count(int melBands) => 9 * Math.Min(CepstralCoefficients, melBands) + 3 * melBands + ProsodyCount;

    /// <summary>The functionals of a clip's raw log-mel (dB, [bands, frames]) and its pitch track on the same frames.</summary>
    /// <param name="melShiftBands">Training only: the speech frames' mel axis read this many bands higher (band m takes the
    /// value at m + shift, linearly interpolated, clamped at the edges), as a longer or shorter vocal tract would move the
    /// formants; 0 when serving.</param>
    /// <param name="f0ShiftSemitones">Training only: every voiced F0 raised by this many semitones; 0 when serving.</param>
    /// <exception cref="ArgumentException">The track and the log-mel are on different frame grids, or the log-mel is empty.</exception>
    public static float[] Compute(FeatureMatrix logMel, PitchTrack track, double melShiftBands = 0, double f0ShiftSemitones = 0)
    {
        ArgumentNullException.ThrowIfNull(logMel);
        ArgumentNullException.ThrowIfNull(track);
        if (track.Frames != logMel.Frames)
            throw new ArgumentException($"The pitch track has {track.Frames} frames but the log-mel {logMel.Frames}: not the same frame grid.", nameof(track));
        if (logMel.Frames == 0 || logMel.Coefficients == 0)
            throw new ArgumentException("The log-mel has no frames.", nameof(logMel));

        var (start, n) = SequenceFeatures.SpeechSpan(logMel);
        int bands = logMel.Coefficients;
        int coefficients = Math.Min(CepstralCoefficients, bands);

        // Level-relative dB, [bands, n] in double (mel-shifted first, when asked).
        var mel = new double[bands * n];
        double level = 0;
        for (int m = 0; m < bands; m++)
        {
            double source = Math.Clamp(m + melShiftBands, 0, bands - 1);
            int below = (int)Math.Floor(source);
            int above = Math.Min(below + 1, bands - 1);
            double fraction = source - below;
            var lower = logMel.Row(below).Slice(start, n);
            var upper = logMel.Row(above).Slice(start, n);
            for (int t = 0; t < n; t++)
            {
                double value = fraction == 0 ? lower[t] : (1 - fraction) * lower[t] + fraction * upper[t];
                mel[m * n + t] = value;
                level += value;
            }
        }
        level /= bands * n;
        for (int i = 0; i < mel.Length; i++)
            mel[i] -= level;

        // Cepstrum per frame, [coefficients, n].
        var dct = new Dct(bands, coefficients);
        var cepstrum = new double[coefficients * n];
        var frame = new double[bands];
        var output = new double[coefficients];
        for (int t = 0; t < n; t++)
        {
            for (int m = 0; m < bands; m++)
                frame[m] = mel[m * n + t];
            dct.Transform(frame, output);
            for (int k = 0; k < coefficients; k++)
                cepstrum[k * n + t] = output[k];
        }

        var result = new float[Count(bands)];
        int at = 0;
        void Block(int rows, double[] matrix, Func<ReadOnlySpan<double>, double> statistic)
        {
            for (int r = 0; r < rows; r++)
                result[at++] = (float)statistic(matrix.AsSpan(r * n, n));
        }

        Block(coefficients, cepstrum, Mean);
        Block(coefficients, cepstrum, Std);
        Block(coefficients, cepstrum, x => Percentile(x, 10));
        Block(coefficients, cepstrum, x => Percentile(x, 50));
        Block(coefficients, cepstrum, x => Percentile(x, 90));
        Block(coefficients, cepstrum, Slope);
        Block(coefficients, cepstrum, x => Std(Diff(x)));
        Block(coefficients, cepstrum, x => MeanAbs(Diff(x)));
        Block(coefficients, cepstrum, x => Std(Diff(Diff(x))));
        Block(bands, mel, Mean);
        Block(bands, mel, Std);
        Block(bands, mel, x => Std(Diff(x)));

        // Prosody.
        var f0 = track.F0Hz.Slice(start, n);
        var periodicity = track.Periodicity.Slice(start, n);
        var logF0 = new List<double>(n);
        var voicedPeriodicity = new List<double>(n);
        var allPeriodicity = new double[n];
        for (int t = 0; t < n; t++)
        {
            allPeriodicity[t] = periodicity[t];
            if (f0[t] > 0)
            {
                logF0.Add(Math.Log(f0[t]) + f0ShiftSemitones * Math.Log(2) / 12);
                voicedPeriodicity.Add(periodicity[t]);
            }
        }
        var pitch = logF0.Count >= MinVoicedFrames ? logF0.ToArray() : [];
        var pitchSteps = Diff(pitch);
        var loudest = new double[n];
        for (int t = 0; t < n; t++)
        {
            loudest[t] = double.NegativeInfinity;
            for (int m = 0; m < bands; m++)
                loudest[t] = Math.Max(loudest[t], mel[m * n + t]);
        }
        double median = Percentile(loudest, 50);
        double p5 = Percentile(pitch, 5), p95 = Percentile(pitch, 95);
        ReadOnlySpan<double> prosody =
        [
            logF0.Count / (double)n,
            Mean(pitch), Std(pitch), p5, Percentile(pitch, 25), Percentile(pitch, 50), Percentile(pitch, 75), p95, p95 - p5,
            MeanAbs(pitchSteps), Std(pitchSteps),
            Mean(allPeriodicity), Std(allPeriodicity), Mean(voicedPeriodicity.ToArray()),
            Math.Log(n),
            Std(loudest), Std(Diff(loudest)), Percentile(loudest, 10), median, Percentile(loudest, 90),
            loudest.Count(v => v > median) / (double)n,
        ];
        foreach (var value in prosody)
            result[at++] = (float)value;
        return result;
    }

    private static double Mean(ReadOnlySpan<double> x)
    {
        if (x.Length == 0)
            return 0;
        double sum = 0;
        foreach (var v in x)
            sum += v;
        return sum / x.Length;
    }

    private static double Std(ReadOnlySpan<double> x)
    {
        if (x.Length == 0)
            return 0;
        double mean = Mean(x), squares = 0;
        foreach (var v in x)
            squares += (v - mean) * (v - mean);
        return Math.Sqrt(squares / x.Length);
    }

    private static double MeanAbs(ReadOnlySpan<double> x)
    {
        if (x.Length == 0)
            return 0;
        double sum = 0;
        foreach (var v in x)
            sum += Math.Abs(v);
        return sum / x.Length;
    }

    /// <summary>Least-squares slope against the frame index (per frame); 0 for a single frame.</summary>
    private static double Slope(ReadOnlySpan<double> x)
    {
        double centre = (x.Length - 1) / 2.0, covariance = 0, variance = 0;
        for (int t = 0; t < x.Length; t++)
        {
            covariance += x[t] * (t - centre);
            variance += (t - centre) * (t - centre);
        }
        return variance == 0 ? 0 : covariance / variance;
    }

    private static double[] Diff(ReadOnlySpan<double> x)
    {
        if (x.Length < 2)
            return [];
        var d = new double[x.Length - 1];
        for (int t = 0; t < d.Length; t++)
            d[t] = x[t + 1] - x[t];
        return d;
    }

    /// <summary>numpy's default ("linear") percentile: the sorted values interpolated at q/100 · (length − 1); 0 when empty.</summary>
    internal static double Percentile(ReadOnlySpan<double> x, double q)
    {
        if (x.Length == 0)
            return 0;
        var sorted = x.ToArray();
        Array.Sort(sorted);
        double position = q / 100 * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
