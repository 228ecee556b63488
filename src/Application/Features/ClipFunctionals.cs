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
/// from the same log-mel and pitch track <see cref="FeaturePipeline.Sequence"/> prepares, so the Trainer (from its
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
    /// <param name="melShiftBands">Training only: the speech frames' mel axis shifted by this many bands (<see cref="MelShift"/>),
    /// as a longer or shorter vocal tract would move the formants; 0 when serving.</param>
    /// <param name="f0ShiftSemitones">Training only: every voiced F0 raised by this many semitones; 0 when serving.</param>
    /// <param name="floorDb">The profile's level floor (<see cref="SequenceFeatures.Floor"/>, <see cref="SequenceFeatures.SpeechSpan"/>).</param>
    /// <exception cref="ArgumentException">The track and the log-mel are on different frame grids, or the log-mel is empty.</exception>
    public static float[] Compute(FeatureMatrix logMel, PitchTrack track, double melShiftBands = 0, double f0ShiftSemitones = 0, double floorDb = 0)
    {
        ArgumentNullException.ThrowIfNull(logMel);
        ArgumentNullException.ThrowIfNull(track);
        if (track.Frames != logMel.Frames)
            throw new ArgumentException($"The pitch track has {track.Frames} frames but the log-mel {logMel.Frames}: not the same frame grid.", nameof(track));
        if (logMel.Frames == 0 || logMel.Rows == 0)
            throw new ArgumentException("The log-mel has no frames.", nameof(logMel));

        var (start, n) = SequenceFeatures.SpeechSpan(logMel, floorDb);
        logMel = SequenceFeatures.Floor(logMel, floorDb);
        int bands = logMel.Rows;
        int coefficients = Math.Min(CepstralCoefficients, bands);

        // Level-relative dB, [bands, n] in double (mel-shifted first, when asked).
        var mel = new double[bands * n];
        double level = 0;
        for (int m = 0; m < bands; m++)
        {
            var (below, above, fraction) = MelShift.Source(m, melShiftBands, bands);
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
        void Block(double[][] rows, Func<double[], double> statistic)
        {
            foreach (var row in rows)
                result[at++] = (float)statistic(row);
        }
        double[][] Rows(double[] matrix, int count) => Enumerable.Range(0, count).Select(r => matrix.AsSpan(r * n, n).ToArray()).ToArray();

        // Each cepstral row sorted once for its three percentiles and differenced once for its three delta statistics.
        var cepstral = Rows(cepstrum, coefficients);
        var cepstralSorted = cepstral.Select(Sorted).ToArray();
        var cepstralDeltas = cepstral.Select(r => Diff(r)).ToArray();
        Block(cepstral, r => Mean(r));
        Block(cepstral, r => Std(r));
        Block(cepstralSorted, r => OfSorted(r, 10));
        Block(cepstralSorted, r => OfSorted(r, 50));
        Block(cepstralSorted, r => OfSorted(r, 90));
        Block(cepstral, r => Slope(r));
        Block(cepstralDeltas, r => Std(r));
        Block(cepstralDeltas, r => MeanAbs(r));
        Block(cepstralDeltas, r => Std(Diff(r)));
        var bandRows = Rows(mel, bands);
        Block(bandRows, r => Mean(r));
        Block(bandRows, r => Std(r));
        Block(bandRows, r => Std(Diff(r)));

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
        var pitchSorted = Sorted(pitch);
        var loudestSorted = Sorted(loudest);
        double median = OfSorted(loudestSorted, 50);
        double p5 = OfSorted(pitchSorted, 5), p95 = OfSorted(pitchSorted, 95);
        ReadOnlySpan<double> prosody =
        [
            logF0.Count / (double)n,
            Mean(pitch), Std(pitch), p5, OfSorted(pitchSorted, 25), OfSorted(pitchSorted, 50), OfSorted(pitchSorted, 75), p95, p95 - p5,
            MeanAbs(pitchSteps), Std(pitchSteps),
            Mean(allPeriodicity), Std(allPeriodicity), Mean(voicedPeriodicity.ToArray()),
            Math.Log(n),
            Std(loudest), Std(Diff(loudest)), OfSorted(loudestSorted, 10), median, OfSorted(loudestSorted, 90),
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
    internal static double Percentile(ReadOnlySpan<double> x, double q) => OfSorted(Sorted(x.ToArray()), q);

    private static double[] Sorted(double[] x)
    {
        var sorted = (double[])x.Clone();
        Array.Sort(sorted);
        return sorted;
    }

    /// <summary><see cref="Percentile"/> of values already in ascending order.</summary>
    private static double OfSorted(double[] sorted, double q)
    {
        if (sorted.Length == 0)
            return 0;
        double position = q / 100 * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
