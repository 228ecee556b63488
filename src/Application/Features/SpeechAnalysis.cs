namespace EmotionRecognition.Application.Features;

/// <summary>
/// One clip as a feature profile hears it (<see cref="FeaturePipeline.Analyse"/>): the profile's window of the clip at
/// the profile's rate, its log-mel spectrogram and, for a profile with pitch rows, its pitch track on the same frame
/// grid. Every network input is computed from an analysis (<see cref="FeaturePipeline.Input"/>), so one resampling and
/// one spectrogram serve all of a clip's features. Immutable.
/// </summary>
public sealed class SpeechAnalysis
{
    // power_to_db of the mel power, [frame, band] in double: the MFCCs' DCT reads it at full precision (the librosa
    // agreement), the sequence networks read it rounded to float (LogMel).
    // Null for an analysis restored from its float log-mel (FeaturePipeline.Restore).
    private readonly double[]? _logMelDb;

    internal SpeechAnalysis(FeatureProfile profile, FeatureMatrix logMel, PitchTrack? pitch)
    {
        Profile = profile;
        LogMel = logMel;
        Frames = logMel.Frames;
        Pitch = pitch;
    }

    internal SpeechAnalysis(FeatureProfile profile, ReadOnlyMemory<float> signal, double[] logMelDb, int frames, PitchTrack? pitch)
    {
        Profile = profile;
        Signal = signal;
        _logMelDb = logMelDb;
        Frames = frames;
        Pitch = pitch;
        var bands = profile.MelBands;
        var values = new float[bands * frames];
        for (var t = 0; t < frames; t++)
        {
            for (var m = 0; m < bands; m++)
                values[m * frames + t] = (float)logMelDb[t * bands + m];
        }

        LogMel = FeatureMatrix.Wrap(bands, frames, values);
    }

    public FeatureProfile Profile { get; }

    /// <summary>The analysed samples at <see cref="FeatureProfile.SampleRateHz"/>; frame t is centred on sample t·hop. Empty for a restored analysis.</summary>
    public ReadOnlyMemory<float> Signal { get; }

    /// <summary>Frames: 1 + ⌊samples / hop⌋ (an empty signal still has one, all-zero, frame).</summary>
    public int Frames { get; }

    /// <summary>The clipped log-mel spectrogram in dB, [MelBands, Frames].</summary>
    public FeatureMatrix LogMel { get; }

    /// <summary>F0 and periodicity per frame; null for a profile without pitch rows.</summary>
    public PitchTrack? Pitch { get; }

    /// <summary>Frame t's bands in dB at full precision.</summary>
    /// <exception cref="InvalidOperationException">The analysis was restored from its float log-mel.</exception>
    internal ReadOnlySpan<double> LogMelFrame(int t) =>
        (_logMelDb ?? throw new InvalidOperationException("An analysis restored from its log-mel has no full-precision spectrum for MFCCs; cache the MFCC mean instead."))
            .AsSpan(t * Profile.MelBands, Profile.MelBands);
}
