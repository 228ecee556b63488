namespace EmotionRecognition.Application.Features;

/// <summary>
/// Pitch rows for a sequence network, beside the normalised log-mel of <see cref="SequenceFeatures"/>. The log-mel's
/// low bands (~50 Hz wide, behind an 86 Hz window main lobe) barely resolve harmonics, and per-utterance normalisation
/// removes level anyway, so absolute pitch height, range and contour are only weakly visible to the network;
/// these rows state them outright, on exactly the log-mel's frames:
/// <code>
/// row 0  periodicity      2·p − 1                          p from <see cref="PitchTracker"/>: −1 aperiodic … 1 periodic
/// row 1  absolute pitch   log2(F0 / 200 Hz)                octaves; unvoiced frames interpolated (ends held)
/// row 2  intonation       2·(row 1 − its mean over voiced frames)   the contour relative to the speaker's own level
/// </code>
/// Unlike the mel bands these rows are NOT standardised per utterance: that would erase the absolute pitch (row 1) and
/// the voicing level (row 0), the very cues they are for. Fixed scales bring them to roughly unit range instead
/// (speech F0 60-500 Hz is −1.7 … +1.3 octaves around 200 Hz; intonation within an utterance is mostly ±½ octave).
/// </summary>
public static class PitchFeatures
{
    /// <summary>Rows added per frame.</summary>
    public const int Rows = 3;

    public const int PeriodicityRow = 0;
    public const int AbsoluteRow = 1;
    public const int RelativeRow = 2;

    /// <summary>0 on the absolute row: between typical male (~120 Hz) and female (~210 Hz) speaking pitch.</summary>
    public const double ReferenceHz = 200;

    /// <summary>Row units per octave of the absolute row.</summary>
    public const double AbsoluteScale = 1.0;

    /// <summary>Row units per octave of the intonation row (its range is about half the absolute row's).</summary>
    public const double RelativeScale = 2.0;

    /// <summary>
    /// The network input with pitch: the log-mel's <see cref="SequenceFeatures.SpeechSpan"/> (found on the log-mel alone,
    /// as without pitch), its mel bands floored and normalised per utterance exactly as <see cref="SequenceFeatures.Prepare"/> does,
    /// then the <see cref="Rows"/> pitch rows of the same frames: [bands + <see cref="Rows"/>, span frames].
    /// </summary>
    /// <exception cref="ArgumentException">The track and the log-mel have different frame counts (different grids).</exception>
    public static FeatureMatrix Prepare(FeatureMatrix logMel, PitchTrack track, double floorDb = 0)
    {
        ArgumentNullException.ThrowIfNull(logMel);
        ArgumentNullException.ThrowIfNull(track);
        if (track.Frames != logMel.Frames)
            throw new ArgumentException($"The pitch track has {track.Frames} frames but the log-mel {logMel.Frames}: not the same frame grid.", nameof(track));

        var (start, count) = SequenceFeatures.SpeechSpan(logMel, floorDb);
        var bands = logMel.Rows;
        var mel = SequenceFeatures.NormalisePerUtterance(SequenceFeatures.Frames(SequenceFeatures.Floor(logMel, floorDb), start, count));

        var values = new float[(bands + Rows) * count];
        mel.Values.CopyTo(values);
        Fill(track, start, count, values.AsSpan(bands * count, Rows * count));
        return FeatureMatrix.Wrap(bands + Rows, count, values);
    }

    /// <summary>The <see cref="Rows"/> pitch rows of frames [start, start + count) alone: [<see cref="Rows"/>, count].</summary>
    public static FeatureMatrix Compute(PitchTrack track, int start, int count)
    {
        ArgumentNullException.ThrowIfNull(track);
        if (start < 0 || count < 0 || start + count > track.Frames)
            throw new ArgumentOutOfRangeException(nameof(count), $"Frames [{start}, {start + count}) are outside the track's {track.Frames}.");
        var values = new float[Rows * count];
        Fill(track, start, count, values);
        return FeatureMatrix.Wrap(Rows, count, values);
    }

    /// <summary>Writes the rows ([row, frame], <paramref name="count"/> frames each) into <paramref name="rows"/>.</summary>
    private static void Fill(PitchTrack track, int start, int count, Span<float> rows)
    {
        var periodicity = rows.Slice(PeriodicityRow * count, count);
        var absolute = rows.Slice(AbsoluteRow * count, count);
        var relative = rows.Slice(RelativeRow * count, count);
        var f0 = track.F0Hz.Slice(start, count);
        var p = track.Periodicity.Slice(start, count);

        var voicedSum = 0.0;
        var voiced = 0;
        for (var t = 0; t < count; t++)
        {
            periodicity[t] = (float)(2.0 * p[t] - 1);
            if (f0[t] > 0)
            {
                var octaves = AbsoluteScale * Math.Log2(f0[t] / ReferenceHz);
                absolute[t] = (float)octaves;
                voicedSum += octaves;
                voiced++;
            }
        }

        if (voiced == 0)
        {
            // No pitch anywhere: reference level, flat contour; row 0 (all aperiodic) tells the network why.
            absolute.Clear();
            relative.Clear();
            return;
        }

        // Unvoiced frames: straight line between the nearest voiced frames, the first and last voiced values held
        // outwards. Why: a continuous row survives time stretching and 8-frame average pooling without a gap pulling
        // the step's mean towards an arbitrary fill value (0 = 200 Hz would read as a pitch jump).
        var previous = -1;
        for (var t = 0; t <= count; t++)
        {
            if (t < count && f0[t] <= 0)
                continue;
            // t is voiced (or the end): fill the gap (previous, t).
            for (var g = previous + 1; g < t; g++)
            {
                absolute[g] = previous < 0 ? absolute[t]
                    : t == count ? absolute[previous]
                    : absolute[previous] + (absolute[t] - absolute[previous]) * (g - previous) / (float)(t - previous);
            }

            previous = t;
        }

        // Intonation relative to the speaker's mean over voiced frames only (interpolated frames would weight long
        // pauses by their length).
        var mean = voicedSum / voiced;
        for (var t = 0; t < count; t++)
            relative[t] = (float)(RelativeScale / AbsoluteScale * (absolute[t] - mean));
    }
}
