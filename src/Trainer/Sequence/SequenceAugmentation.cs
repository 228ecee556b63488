using EmotionRecognition.Application.Features;

namespace EmotionRecognition.Trainer.Sequence;

/// <summary>
/// How a training example is drawn from a prepared clip: a fixed-length window at a random position,
/// read at a random speed and with the mel axis shifted, then SpecAugment masks. All of it works on
/// the cached features, so no audio is decoded or resampled again during training.
/// </summary>
/// <param name="CropFrames">Window length in frames. Shorter clips are read cyclically (repeated) to fill it.</param>
/// <param name="SpeedRange">The window is read at speed 1 ± this (linear interpolation between frames): tempo perturbation.</param>
/// <param name="WarpBands">The mel axis is shifted by up to ± this many bands (linear interpolation): a vocal-tract-length
/// and pitch perturbation, since a speaker with a longer tract shifts every formant by the same factor, i.e. the same
/// distance on a (roughly logarithmic) mel axis.</param>
/// <param name="FrequencyMasks">SpecAugment: bands of up to <paramref name="FrequencyMaskBands"/> mels set to 0 (the utterance mean).</param>
/// <param name="FrequencyMaskBands">Widest frequency mask.</param>
/// <param name="TimeMasks">SpecAugment: runs of up to <paramref name="TimeMaskFrames"/> frames set to 0.</param>
/// <param name="TimeMaskFrames">Widest time mask.</param>
internal sealed record SequenceAugmentation(
    int CropFrames,
    double SpeedRange,
    double WarpBands,
    int FrequencyMasks,
    int FrequencyMaskBands,
    int TimeMasks,
    int TimeMaskFrames)
{
    public static SequenceAugmentation Default { get; } = new(
        CropFrames: 96, SpeedRange: 0.1, WarpBands: 2, FrequencyMasks: 2, FrequencyMaskBands: 8, TimeMasks: 2, TimeMaskFrames: 12);

    /// <summary>
    /// null: every row is a mel band (the shipped CRNN). N: only the first N rows are mel bands, the rest pitch rows
    /// (<see cref="PitchFeatures"/>). The mel shift and the frequency masks then stay within the mel rows (a band shift
    /// would otherwise blend pitch rows into mel rows and back), while the crop, speed and time masks move every row alike
    /// so the rows stay aligned in time.
    /// </summary>
    public int? MelRows { get; init; }

    /// <summary>
    /// With <see cref="MelRows"/> set: the absolute pitch row is shifted by a uniform ± this many semitones per window, a
    /// pitch augmentation of its own (the mel shift moves formants and harmonics, not this row). The intonation row is
    /// relative to the utterance mean, so a constant shift leaves it unchanged; periodicity is unchanged too.
    /// </summary>
    public double PitchShiftSemitones { get; init; }

    /// <summary>Writes one augmented window of <paramref name="clip"/> ([bands, <see cref="CropFrames"/>]) into <paramref name="destination"/>.</summary>
    public void Draw(FeatureMatrix clip, Random random, Span<float> destination)
    {
        int bands = clip.Rows;
        int frames = clip.Frames;
        int length = CropFrames;
        if (destination.Length != bands * length)
        {
            throw new ArgumentException($"Expected room for {bands} × {length} values, got {destination.Length}.", nameof(destination));
        }
        var values = clip.Values;
        double speed = 1 + (2 * random.NextDouble() - 1) * SpeedRange;
        double span = length * speed;
        double offset = frames > span ? random.NextDouble() * (frames - span) : random.NextDouble() * frames;
        double shift = (2 * random.NextDouble() - 1) * WarpBands;
        // Rows the mel shift and frequency masks act on: all of them unless pitch rows follow the mels.
        int warped = MelRows ?? bands;
        if (warped < 1 || warped > bands)
        {
            throw new ArgumentException($"{warped} mel rows do not fit a clip of {bands} rows.", nameof(clip));
        }
        // Drawn only with pitch rows, after the shipped draws: without them the random sequence is exactly the old one.
        int absoluteRow = MelRows is null ? -1 : warped + PitchFeatures.AbsoluteRow;
        float pitchShift = MelRows is null ? 0
            : (float)((2 * random.NextDouble() - 1) * PitchShiftSemitones / 12 * PitchFeatures.AbsoluteScale);

        for (int t = 0; t < length; t++)
        {
            // Source position, wrapped so a clip shorter than the window repeats.
            double source = (offset + t * speed) % frames;
            int t0 = (int)source;
            int t1 = (t0 + 1) % frames;
            float ft = (float)(source - t0);
            for (int m = 0; m < warped; m++)
            {
                var (m0, m1, fraction) = MelShift.Source(m, shift, warped);
                float fm = (float)fraction;
                float low = values[m0 * frames + t0] * (1 - ft) + values[m0 * frames + t1] * ft;
                float high = values[m1 * frames + t0] * (1 - ft) + values[m1 * frames + t1] * ft;
                destination[m * length + t] = low * (1 - fm) + high * fm;
            }
            for (int m = warped; m < bands; m++)
            {
                float value = values[m * frames + t0] * (1 - ft) + values[m * frames + t1] * ft;
                destination[m * length + t] = m == absoluteRow ? value + pitchShift : value;
            }
        }

        for (int k = 0; k < FrequencyMasks; k++)
        {
            int width = random.Next(FrequencyMaskBands + 1);
            int start = random.Next(Math.Max(1, warped - width + 1));
            for (int m = start; m < Math.Min(warped, start + width); m++)
            {
                destination.Slice(m * length, length).Clear();
            }
        }
        for (int k = 0; k < TimeMasks; k++)
        {
            int width = random.Next(TimeMaskFrames + 1);
            int start = random.Next(Math.Max(1, length - width + 1));
            for (int m = 0; m < bands; m++)
            {
                destination.Slice(m * length + start, Math.Min(width, length - start)).Clear();
            }
        }
    }
}
