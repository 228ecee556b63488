using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.Intrinsics;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Domain;

namespace EmotionRecognition.Application.Features;

/// <summary>
/// The one way audio becomes features in this product (Trainer, Api and tests alike), in two steps:
/// <see cref="Analyse"/> (clip → <see cref="SpeechAnalysis"/>: signal at the profile's rate, log-mel, pitch track) and
/// <see cref="Input"/> (analysis → what a network reads: the MFCC mean, or the prepared sequence and clip statistics).
/// The MFCC mean is librosa 0.11's <c>mfcc(y=load(…, sr, res_type='kaiser_fast', offset, duration)).mean(axis=1)</c>,
/// composed from small pure pieces:
/// <code>
/// slice   = samples[⌊offset·sr⌋, ⌊offset·sr⌋ + ⌊duration·sr⌋)      at the file's native rate
/// y       = Resampler.Resample(slice, sr → Profile.SampleRateHz)     resampy kaiser_fast
/// frame t = y[t·hop − n_fft/2, t·hop + n_fft/2) · hann               zeros outside y; T = 1 + ⌊len(y)/hop⌋
/// power   = |rfft(frame)|²                                            RealFft
/// mel     = W_slaney · power                                          MelFilterbank
/// dB      = power_to_db(mel, ref 1, amin 1e-10, top_db) over the whole slice
/// mfcc    = DCT-II_ortho(dB)[0 .. CoefficientCount)                   Dct
/// </code>
/// Everything after resampling runs in double precision on float32 input (which cannot overflow
/// it: the largest float32 frame has power (2048 · 3.4e38)² ≈ 5e83). The resampler sums in float32
/// like resampy, so samples near ±3.4e38 (far beyond full scale ±1) can overflow there; those
/// are refused with <see cref="InvalidAudioException"/>. Finite features or that exception, never NaN.
/// The tables (window, FFT twiddles, filterbank, DCT rows) are built once in the constructor and
/// never written again; each call rents its own scratch, so one instance may be shared by any
/// number of threads.
/// An empty slice (offset past the end) is analysed as librosa does it: one all-zero frame,
/// every band at −100 dB, giving c0 = −100·√128 ≈ −1131.37 and the other coefficients 0.
/// </summary>
public sealed class FeaturePipeline
{
    /// <summary>
    /// Lowest accepted clip rate. Resampling up multiplies the sample count by profile rate / clip rate,
    /// so a floor keeps memory proportional to the input (at most 22× for 22 050 Hz).
    /// </summary>
    public const int MinSampleRateHz = 1000;

    /// <summary>Highest accepted clip rate (768 kHz, the fastest audio interfaces); far above any speech recording.</summary>
    public const int MaxSampleRateHz = 768_000;

    private static readonly ConcurrentDictionary<FeatureProfile, FeaturePipeline> Shared = new();

    private readonly double[] _window;
    private readonly RealFft _fft;
    private readonly MelFilterbank _melFilterbank;
    private readonly Dct _dct;
    private readonly PitchTracker? _pitchTracker;

    /// <exception cref="ArgumentException">The profile is inconsistent or from another feature version.</exception>
    public FeaturePipeline(FeatureProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        Validate(profile);
        Profile = profile;
        _window = Window.PeriodicHann(profile.FftSize);
        _fft = new RealFft(profile.FftSize);
        _melFilterbank = new MelFilterbank(
            profile.SampleRateHz, profile.FftSize, profile.MelBands, profile.MinFrequencyHz, profile.EffectiveMaxFrequencyHz);
        _dct = new Dct(profile.MelBands, profile.CoefficientCount);
        _pitchTracker = profile.PitchRows > 0 ? new PitchTracker(profile) : null;
    }

    public FeatureProfile Profile { get; }

    /// <summary>
    /// The pipeline of <paramref name="profile"/>, built on first use and shared: its tables cost far more than an
    /// analysis, and an instance is safe to share across threads.
    /// </summary>
    /// <exception cref="ArgumentException">The profile is inconsistent or from another feature version.</exception>
    public static FeaturePipeline For(FeatureProfile profile) => Shared.GetOrAdd(profile, static p => new FeaturePipeline(p));

    /// <summary>
    /// The clip as this profile hears it: the profile's window cut at the clip's rate, resampled once to the profile's
    /// rate, its log-mel spectrogram and (with pitch rows) its pitch track on the same frame grid.
    /// </summary>
    /// <exception cref="InvalidAudioException">The clip's rate is unsupported or the analysed samples are not all finite.</exception>
    public SpeechAnalysis Analyse(AudioClip clip)
    {
        var signal = PrepareSignal(clip);
        var frames = FrameCount(signal.Length);
        var logMel = new double[frames * Profile.MelBands];
        ComputeLogMel(signal.Span, frames, logMel);
        return new SpeechAnalysis(Profile, signal, logMel, frames, _pitchTracker?.Track(signal.Span));
    }

    /// <summary>
    /// An analysis read back from a cache of its log-mel and pitch track (the Trainer's): its <see cref="Sequence"/> is
    /// the original's; it has no signal, and <see cref="MfccMean"/> refuses it (cache the MFCC mean instead).
    /// </summary>
    /// <exception cref="ArgumentException">The parts do not fit this profile.</exception>
    public SpeechAnalysis Restore(FeatureMatrix logMel, PitchTrack? pitch)
    {
        ArgumentNullException.ThrowIfNull(logMel);
        if (logMel.Rows != Profile.MelBands)
            throw new ArgumentException($"The log-mel has {logMel.Rows} bands; profile '{Profile.Name}' has {Profile.MelBands}.", nameof(logMel));
        if ((pitch is null) != (_pitchTracker is null) || (pitch is not null && pitch.Frames != logMel.Frames))
            throw new ArgumentException($"Profile '{Profile.Name}' has {Profile.PitchRows} pitch rows; the pitch track does not fit the log-mel.", nameof(pitch));
        return new SpeechAnalysis(Profile, logMel, pitch);
    }

    /// <summary>
    /// What <paramref name="network"/> reads of an analysis made with this profile: the MFCC mean vector for the
    /// networks that take one (<see cref="NetworkTypes.TakesMfccVector"/>), else the prepared sequence and, for a pitch
    /// profile, the clip's functionals.
    /// </summary>
    /// <exception cref="ArgumentException">The analysis was made with another profile.</exception>
    public NetworkInput Input(NetworkType network, SpeechAnalysis analysis) =>
        network.TakesMfccVector() ? new MfccVector(MfccMean(analysis)) : Sequence(analysis);

    /// <summary>
    /// The mean of each MFCC over all frames: <see cref="FeatureProfile.CoefficientCount"/> values, the vector the
    /// original contract takes. Averaged in double precision before rounding to float.
    /// </summary>
    /// <exception cref="ArgumentException">The analysis was made with another profile.</exception>
    public float[] MfccMean(SpeechAnalysis analysis)
    {
        RequireOwn(analysis);
        var count = Profile.CoefficientCount;
        var sums = new double[count];
        var coefficients = ArrayPool<double>.Shared.Rent(count);
        try
        {
            for (var t = 0; t < analysis.Frames; t++)
            {
                _dct.Transform(analysis.LogMelFrame(t), coefficients);
                for (var k = 0; k < count; k++)
                    sums[k] += coefficients[k];
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(coefficients);
        }

        var means = new float[count];
        for (var k = 0; k < count; k++)
            means[k] = (float)(sums[k] / analysis.Frames);
        return means;
    }

    /// <summary>
    /// A sequence network's input: <see cref="SequenceFeatures.Prepare"/> of the log-mel, [MelBands, frames], or with
    /// pitch rows <see cref="PitchFeatures.Prepare"/> of the log-mel and track, [MelBands + PitchRows, frames], beside
    /// the clip's <see cref="ClipFunctionals"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The analysis was made with another profile.</exception>
    public SpeechSequence Sequence(SpeechAnalysis analysis)
    {
        RequireOwn(analysis);
        var (logMel, floor) = (analysis.LogMel, Profile.FloorDb);
        return analysis.Pitch is { } track
            ? new SpeechSequence(PitchFeatures.Prepare(logMel, track, floor), ClipFunctionals.Compute(logMel, track, floorDb: floor))
            : new SpeechSequence(SequenceFeatures.Prepare(logMel, floor), null);
    }

    /// <summary>MFCCs of every frame, [CoefficientCount, frames] (librosa's <c>mfcc</c> before the mean).</summary>
    internal FeatureMatrix Mfcc(SpeechAnalysis analysis)
    {
        RequireOwn(analysis);
        var count = Profile.CoefficientCount;
        var frames = analysis.Frames;
        var values = new float[count * frames];
        var coefficients = new double[count];
        for (var t = 0; t < frames; t++)
        {
            _dct.Transform(analysis.LogMelFrame(t), coefficients);
            for (var k = 0; k < count; k++)
                values[k * frames + t] = (float)coefficients[k];
        }

        return FeatureMatrix.Wrap(count, frames, values);
    }

    /// <summary>Centred framing: T = 1 + ⌊samples / hop⌋ (an empty signal still has one, all-zero, frame).</summary>
    public int FrameCount(int sampleCount) => 1 + sampleCount / Profile.HopLength;

    private void RequireOwn(SpeechAnalysis analysis)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        if (analysis.Profile != Profile)
            throw new ArgumentException($"The analysis was made with profile '{analysis.Profile.Name}', not '{Profile.Name}'.", nameof(analysis));
    }

    /// <summary>The analysed window at the clip's own rate, then resampled to the profile's rate.</summary>
    private ReadOnlyMemory<float> PrepareSignal(AudioClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        if (clip.SampleRateHz is < MinSampleRateHz or > MaxSampleRateHz)
        {
            throw new InvalidAudioException(
                $"The sample rate {clip.SampleRateHz} Hz is outside the supported range {MinSampleRateHz}–{MaxSampleRateHz} Hz.");
        }

        // librosa.load cuts at the native rate: start = int(offset·sr), length = int(duration·sr).
        var length = (long)clip.Samples.Length;
        var start = Math.Min(length, (long)(Profile.OffsetSeconds * clip.SampleRateHz));
        var stop = Profile.DurationSeconds is { } durationSeconds
            ? start + (long)Math.Min(durationSeconds * clip.SampleRateHz, length - start)
            : length;
        var slice = clip.Samples.AsMemory((int)start, (int)(stop - start));

        foreach (var sample in slice.Span)
        {
            if (!float.IsFinite(sample))
                throw new InvalidAudioException("The audio contains samples that are not finite (NaN or infinity).");
        }

        if (clip.SampleRateHz == Profile.SampleRateHz)
            return slice;

        // The resampler sums in float32 like resampy, so samples near float32's limit (±3.4e38, far
        // beyond full scale ±1) can overflow to infinity there; refuse them instead of returning NaN features.
        var resampled = Resampler.Resample(slice.Span, clip.SampleRateHz, Profile.SampleRateHz);
        foreach (var sample in resampled)
        {
            if (!float.IsFinite(sample))
                throw new InvalidAudioException("The audio's samples are too large to resample (far beyond full scale ±1).");
        }

        return resampled;
    }

    /// <summary>power_to_db(mel power) for all frames, [frame, band] (each frame's bands contiguous for the DCT).</summary>
    private void ComputeLogMel(ReadOnlySpan<float> signal, int frames, Span<double> logMel)
    {
        var fftSize = Profile.FftSize;
        var hop = Profile.HopLength;
        var bands = Profile.MelBands;
        var scratch = ArrayPool<double>.Shared.Rent(fftSize + _fft.BinCount);
        try
        {
            var frame = scratch.AsSpan(0, fftSize);
            var power = scratch.AsSpan(fftSize, _fft.BinCount);
            for (var t = 0; t < frames; t++)
            {
                // Frame t is centred on sample t·hop: it covers [t·hop − n_fft/2, t·hop + n_fft/2),
                // zero outside the signal (librosa ≥ 0.9's constant padding).
                var first = (long)t * hop - fftSize / 2;
                var validFrom = (int)Math.Clamp(-first, 0, fftSize);
                var validTo = (int)Math.Clamp(signal.Length - first, validFrom, fftSize);
                frame[..validFrom].Clear();
                ApplyWindow(signal.Slice((int)(first + validFrom), validTo - validFrom), _window.AsSpan(validFrom, validTo - validFrom), frame[validFrom..validTo]);
                frame[validTo..].Clear();

                _fft.PowerSpectrum(frame, power);
                _melFilterbank.Apply(power, logMel.Slice(t * bands, bands));
            }

            PowerToDb.ConvertInPlace(logMel, Profile.TopDb);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(scratch);
        }
    }

    /// <summary>frame[j] = window[j] · samples[j] (float32 samples widened to double).</summary>
    private static void ApplyWindow(ReadOnlySpan<float> samples, ReadOnlySpan<double> window, Span<double> frame)
    {
        var j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j + 8 <= samples.Length; j += 8)
            {
                var (low, high) = Vector256.Widen(Vector256.Create(samples.Slice(j, 8)));
                (low * Vector256.Create(window.Slice(j, 4))).CopyTo(frame.Slice(j, 4));
                (high * Vector256.Create(window.Slice(j + 4, 4))).CopyTo(frame.Slice(j + 4, 4));
            }
        }

        for (; j < samples.Length; j++)
            frame[j] = window[j] * samples[j];
    }

    private static void Validate(FeatureProfile profile)
    {
        static void Require(bool condition, string problem)
        {
            if (!condition)
                throw new ArgumentException($"Invalid feature profile: {problem}", nameof(profile));
        }

        Require(profile.Version == FeatureProfile.CurrentVersion,
            $"version {profile.Version} was computed by other feature code (this is version {FeatureProfile.CurrentVersion}); retrain the model.");
        Require(profile.SampleRateHz > 0, $"sample rate must be positive (got {profile.SampleRateHz} Hz).");
        Require(profile.FftSize >= 4 && (profile.FftSize & (profile.FftSize - 1)) == 0,
            $"FFT size must be a power of two, at least 4 (got {profile.FftSize}).");
        Require(profile.HopLength > 0, $"hop length must be positive (got {profile.HopLength}).");
        Require(profile.MelBands > 0, $"mel bands must be positive (got {profile.MelBands}).");
        Require(profile.CoefficientCount > 0 && profile.CoefficientCount <= profile.MelBands,
            $"coefficient count must be between 1 and the mel band count {profile.MelBands} (got {profile.CoefficientCount}).");
        Require(profile.MinFrequencyHz >= 0 && profile.EffectiveMaxFrequencyHz > profile.MinFrequencyHz,
            $"need 0 ≤ min frequency < max frequency (got {profile.MinFrequencyHz} and {profile.EffectiveMaxFrequencyHz} Hz).");
        Require(double.IsFinite(profile.OffsetSeconds) && profile.OffsetSeconds >= 0,
            $"offset must be a non-negative number of seconds (got {profile.OffsetSeconds}).");
        Require(profile.DurationSeconds is null || (double.IsFinite(profile.DurationSeconds.Value) && profile.DurationSeconds >= 0),
            $"duration must be a non-negative number of seconds or absent (got {profile.DurationSeconds}).");
        Require(double.IsFinite(profile.TopDb) && profile.TopDb >= 0, $"top_db must be non-negative (got {profile.TopDb}).");
        Require(double.IsFinite(profile.FloorDb) && profile.FloorDb >= 0, $"the level floor must be non-negative dB (got {profile.FloorDb}).");
        Require(profile.PitchRows is 0 or PitchFeatures.Rows,
            $"pitch rows must be 0 or {PitchFeatures.Rows} (got {profile.PitchRows}).");
    }
}
