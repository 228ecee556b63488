using System.Buffers;
using System.Runtime.Intrinsics;
using EmotionRecognition.Application.Audio;

namespace EmotionRecognition.Application.Features;

/// <summary>
/// The one way audio becomes features in this product (Trainer, Api and tests alike):
/// librosa 0.11's <c>mfcc(y=load(…, sr, res_type='kaiser_fast', offset, duration))</c>,
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

    private readonly double[] _window;
    private readonly RealFft _fft;
    private readonly MelFilterbank _melFilterbank;
    private readonly Dct _dct;

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
        // Built here so that a shared pipeline (FeaturePipelines) shares its tracker too: the tracker is read-only.
        PitchTracker = profile.PitchRows > 0 ? new PitchTracker(this) : null;
    }

    public FeatureProfile Profile { get; }

    /// <summary>The tracker of the profile's pitch rows, on this pipeline's frame grid; null for a profile without them.</summary>
    public PitchTracker? PitchTracker { get; }

    /// <summary>
    /// The network input of a sequence network (CRNN) for <paramref name="clip"/>, the one way a clip becomes it in the
    /// Api, the Trainer's evaluation and the tests. Without pitch rows it is <see cref="SequenceFeatures.Prepare"/> of
    /// <see cref="ExtractLogMel(AudioClip)"/>, [MelBands, frames]; with them (<see cref="FeatureProfile.PitchRows"/>)
    /// <see cref="PitchFeatures.Prepare"/> of the log-mel and the <see cref="PitchTracker"/>'s track of the same resampled
    /// signal (resampled once), [MelBands + PitchRows, frames].
    /// </summary>
    /// <exception cref="InvalidAudioException">The clip's rate is unsupported or the analysed samples are not all finite.</exception>
    public FeatureMatrix ExtractSequence(AudioClip clip)
    {
        var signal = PrepareSignal(clip).Span;
        return PrepareSequence(ExtractLogMel(signal), PitchTracker?.Track(signal));
    }

    /// <summary>
    /// What a CRNN set is served for <paramref name="clip"/>: <see cref="ExtractSequence"/>'s network input and, for a profile
    /// with pitch rows, the clip's <see cref="ClipFunctionals"/> from the same log-mel and track (null without them). One
    /// decode, one resampling, one log-mel and one pitch track serve both.
    /// </summary>
    /// <exception cref="InvalidAudioException">The clip's rate is unsupported or the analysed samples are not all finite.</exception>
    public SpeechFeatures ExtractSpeech(AudioClip clip)
    {
        var signal = PrepareSignal(clip).Span;
        var logMel = ExtractLogMel(signal);
        var track = PitchTracker?.Track(signal);
        return new SpeechFeatures(PrepareSequence(logMel, track), track is null ? null : ClipFunctionals.Compute(logMel, track));
    }

    /// <summary>
    /// The network input from the raw parts <see cref="ExtractSequence"/> computes, for a caller that keeps them (the
    /// Trainer's caches): <see cref="SequenceFeatures.Prepare"/> of <paramref name="logMel"/>, or with pitch rows
    /// <see cref="PitchFeatures.Prepare"/> of it and <paramref name="track"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A track for a profile without pitch rows, or none for one with them.</exception>
    public FeatureMatrix PrepareSequence(FeatureMatrix logMel, PitchTrack? track) => (PitchTracker, track) switch
    {
        (null, null) => SequenceFeatures.Prepare(logMel),
        ({ }, { }) => PitchFeatures.Prepare(logMel, track),
        _ => throw new ArgumentException(
            $"Profile '{Profile.Name}' has {Profile.PitchRows} pitch rows, but a pitch track was {(track is null ? "not " : "")}given.", nameof(track)),
    };

    /// <summary>MFCCs, [CoefficientCount, frames]: the window is cut at the clip's rate, then resampled, then framed.</summary>
    /// <exception cref="InvalidAudioException">The clip's rate is unsupported or the analysed samples are not all finite.</exception>
    public FeatureMatrix ExtractMfcc(AudioClip clip)
    {
        var signal = PrepareSignal(clip);
        var frames = FrameCount(signal.Length);
        var values = new float[Profile.CoefficientCount * frames];
        ComputeMfcc(signal.Span, frames, values, means: null);
        return FeatureMatrix.Wrap(Profile.CoefficientCount, frames, values);
    }

    /// <summary>
    /// The mean of each MFCC over all frames: <see cref="FeatureProfile.CoefficientCount"/> values,
    /// the vector the Api takes. Averaged in double precision before rounding to float.
    /// </summary>
    /// <exception cref="InvalidAudioException">The clip's rate is unsupported or the analysed samples are not all finite.</exception>
    public float[] ExtractMean(AudioClip clip)
    {
        var signal = PrepareSignal(clip);
        var frames = FrameCount(signal.Length);
        var sums = new double[Profile.CoefficientCount];
        ComputeMfcc(signal.Span, frames, values: null, sums);
        var means = new float[sums.Length];
        for (var k = 0; k < sums.Length; k++)
            means[k] = (float)(sums[k] / frames);
        return means;
    }

    /// <summary><see cref="WavReader.Read(ReadOnlySpan{byte})"/> then <see cref="ExtractMean(AudioClip)"/>.</summary>
    /// <exception cref="InvalidAudioException">The bytes are not a WAV we can decode, or hold non-finite samples.</exception>
    public float[] ExtractMean(ReadOnlySpan<byte> wav) => ExtractMean(WavReader.Read(wav));

    /// <summary>The clipped log-mel spectrogram in dB, [MelBands, frames] (the input of the DCT; for sequence models).</summary>
    /// <exception cref="InvalidAudioException">The clip's rate is unsupported or the analysed samples are not all finite.</exception>
    public FeatureMatrix ExtractLogMel(AudioClip clip) => ExtractLogMel(PrepareSignal(clip).Span);

    /// <summary>
    /// The signal every feature of <paramref name="clip"/> is computed from: the profile's window of it, resampled to
    /// <see cref="FeatureProfile.SampleRateHz"/>. Frame t of <see cref="ExtractLogMel(AudioClip)"/> is centred on its sample t·hop,
    /// so other per-frame analyses (<see cref="PitchTracker"/>) read it to stay on the same frame grid.
    /// </summary>
    /// <exception cref="InvalidAudioException">The clip's rate is unsupported or the analysed samples are not all finite.</exception>
    public ReadOnlyMemory<float> AnalysedSignal(AudioClip clip) => PrepareSignal(clip);

    /// <summary>
    /// <see cref="ExtractLogMel(AudioClip)"/> of a signal already returned by <see cref="AnalysedSignal"/> (so a caller that
    /// also tracks pitch resamples once).
    /// </summary>
    /// <param name="signal">The analysed signal (<see cref="AnalysedSignal"/>).</param>
    public FeatureMatrix ExtractLogMel(ReadOnlySpan<float> signal)
    {
        var frames = FrameCount(signal.Length);
        var bands = Profile.MelBands;
        var logMel = ArrayPool<double>.Shared.Rent(frames * bands);
        try
        {
            ComputeLogMel(signal, frames, logMel.AsSpan(0, frames * bands));
            var values = new float[bands * frames];
            for (var t = 0; t < frames; t++)
            {
                for (var m = 0; m < bands; m++)
                    values[m * frames + t] = (float)logMel[t * bands + m];
            }

            return FeatureMatrix.Wrap(bands, frames, values);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(logMel);
        }
    }

    /// <summary>Centred framing: T = 1 + ⌊samples / hop⌋ (an empty signal still has one, all-zero, frame).</summary>
    public int FrameCount(int sampleCount) => 1 + sampleCount / Profile.HopLength;

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

    /// <summary>MFCCs of every frame, written to <paramref name="values"/> ([coefficient, frame]) and/or summed into <paramref name="means"/>.</summary>
    private void ComputeMfcc(ReadOnlySpan<float> signal, int frames, float[]? values, double[]? means)
    {
        var bands = Profile.MelBands;
        var count = Profile.CoefficientCount;
        var logMel = ArrayPool<double>.Shared.Rent(frames * bands);
        var coefficients = ArrayPool<double>.Shared.Rent(count);
        try
        {
            ComputeLogMel(signal, frames, logMel.AsSpan(0, frames * bands));
            for (var t = 0; t < frames; t++)
            {
                _dct.Transform(logMel.AsSpan(t * bands, bands), coefficients);
                for (var k = 0; k < count; k++)
                {
                    var c = coefficients[k];
                    if (values is not null)
                        values[k * frames + t] = (float)c;
                    if (means is not null)
                        means[k] += c;
                }
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(coefficients);
            ArrayPool<double>.Shared.Return(logMel);
        }
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
        Require(profile.PitchRows is 0 or PitchFeatures.Rows,
            $"pitch rows must be 0 or {PitchFeatures.Rows} (got {profile.PitchRows}).");
    }
}
