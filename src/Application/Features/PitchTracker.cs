using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using EmotionRecognition.Application.Audio;

namespace EmotionRecognition.Application.Features;

/// <summary>
/// A clip's pitch per analysis frame: fundamental frequency in Hz (0 where the frame is unvoiced) and periodicity
/// in [0, 1] (1 − the YIN dip, so 1 is perfectly periodic). Frame t lines up with frame t of
/// <see cref="SpeechAnalysis.LogMel"/> for the same profile.
/// </summary>
public sealed class PitchTrack
{
    private readonly float[] _f0Hz;
    private readonly float[] _periodicity;

    /// <param name="f0Hz">Per frame: F0 in Hz, 0 when unvoiced; copied.</param>
    /// <param name="periodicity">Per frame: periodicity in [0, 1]; copied.</param>
    public PitchTrack(ReadOnlySpan<float> f0Hz, ReadOnlySpan<float> periodicity)
        : this(f0Hz.ToArray(), periodicity.ToArray())
    {
    }

    private PitchTrack(float[] f0Hz, float[] periodicity)
    {
        if (f0Hz.Length != periodicity.Length)
            throw new ArgumentException($"F0 has {f0Hz.Length} frames but periodicity {periodicity.Length}.", nameof(periodicity));
        _f0Hz = f0Hz;
        _periodicity = periodicity;
    }

    public int Frames => _f0Hz.Length;

    /// <summary>F0 in Hz per frame; 0 marks an unvoiced frame.</summary>
    public ReadOnlySpan<float> F0Hz => _f0Hz;

    /// <summary>clamp(1 − d′(τ*), 0, 1) per frame, where d′(τ*) is the cumulative-mean-normalised difference at the chosen lag.</summary>
    public ReadOnlySpan<float> Periodicity => _periodicity;

    public bool IsVoiced(int frame) => _f0Hz[frame] > 0;

    /// <summary>Takes ownership of the tracker's own buffers without copying.</summary>
    internal static PitchTrack Wrap(float[] f0Hz, float[] periodicity) => new(f0Hz, periodicity);
}

/// <summary>
/// YIN (de Cheveigné &amp; Kawahara 2002, JASA 111(4)) on the frame grid of <see cref="SpeechAnalysis.LogMel"/>:
/// frame t is centred on sample t·hop of the resampled signal, T = 1 + ⌊samples / hop⌋, zeros outside the signal
/// (librosa's constant padding), so pitch frame t describes the same 46 ms as log-mel frame t.
/// <code>
/// x        = the profile's n_fft samples around t·hop, scaled by 1/max|x|     (no window: YIN compares raw periods)
/// d(τ)     = Σ_{j &lt; W} (x[j] − x[j+τ])²,   τ = 1 … L,  W = n_fft − L        step 2, the difference function
/// d′(τ)    = d(τ) · τ / Σ_{k=1..τ} d(k),   d′(0) = 1                          step 3, cumulative-mean normalisation
/// τ*       = first τ ≥ τmin with d′(τ) &lt; threshold, then down to its local minimum           step 4
///            (none: the global minimum over [τmin, L], reported unvoiced)
/// τ*, d′*  = vertex of the parabola through d′(τ*−1), d′(τ*), d′(τ*+1)                        step 5
/// F0       = sr / τ*  (0 if unvoiced),  periodicity = clamp(1 − d′*, 0, 1)
/// </code>
/// The N-sample frame is centred on t·hop like the log-mel's, but d integrates x[0, W) against x[τ, τ + W), so the
/// analysed stretch is centred (L − τ)/2 samples before t·hop (0-7 ms at 22 050 Hz): under a third of a hop.
/// Step 6 (best local estimate) is left out: it costs a second pass for a small gain, and the network sees the
/// periodicity row, which tells it where to trust the F0.
/// <para>
/// Holds only its parameters (read-only): scratch is rented per call, so one instance may be shared by any number
/// of threads. Output is never NaN: silent, constant or very quiet frames are unvoiced with periodicity 0.
/// </para>
/// </summary>
public sealed class PitchTracker
{
    /// <summary>Lowest F0 searched: below the lowest male speaking voices (~70 Hz) with some room for creak.</summary>
    public const double DefaultMinF0Hz = 60;

    /// <summary>Highest F0 searched: above excited female speech (~400 Hz), below where the first harmonic of a
    /// 60 Hz voice could masquerade as F0 too often.</summary>
    public const double DefaultMaxF0Hz = 500;

    /// <summary>YIN's absolute threshold; the paper's error rates are flat between 0.1 and 0.2.</summary>
    public const double DefaultThreshold = 0.15;

    /// <summary>
    /// Frames whose energy is this far below the clip's loudest frame are unvoiced without analysis. Why: d′ is
    /// scale-invariant, so mains hum or reverberation tails 60 dB down would otherwise read as voiced pitch.
    /// 50 dB is 10 dB below <see cref="SequenceFeatures.TrimThresholdDb"/>'s 40: anything the log-mel keeps as speech
    /// is still analysed.
    /// </summary>
    public const double SilenceBelowLoudestDb = 50;

    /// <summary>Below this mean-square level (−200 dBFS) a frame is digital silence (or denormals): unvoiced.</summary>
    private const double AbsoluteSilence = 1e-20;

    /// <param name="profile">The feature profile whose frame grid (rate, n_fft, hop) the track follows.</param>
    /// <exception cref="ArgumentException">The F0 range does not fit the profile's frame length.</exception>
    public PitchTracker(FeatureProfile profile, double minF0Hz = DefaultMinF0Hz, double maxF0Hz = DefaultMaxF0Hz, double threshold = DefaultThreshold)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (!(minF0Hz > 0 && maxF0Hz > minF0Hz && maxF0Hz < profile.SampleRateHz / 4.0))
            throw new ArgumentException($"Need 0 < min F0 < max F0 < sr/4 (got {minF0Hz} and {maxF0Hz} Hz at {profile.SampleRateHz} Hz).");
        if (!(threshold is > 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The YIN threshold must lie in (0, 1).");

        SampleRateHz = profile.SampleRateHz;
        HopLength = profile.HopLength;
        FrameLength = profile.FftSize;
        MinF0Hz = minF0Hz;
        MaxF0Hz = maxF0Hz;
        Threshold = threshold;
        // Why ceiling/floor: the lag range must contain the whole period range (60 Hz → 367.5 → 368; 500 Hz → 44.1 → 44).
        MaxLag = (int)Math.Ceiling(SampleRateHz / minF0Hz);
        MinLag = Math.Max(2, (int)Math.Floor(SampleRateHz / maxF0Hz));
        IntegrationWindow = FrameLength - MaxLag;
        // Why W ≥ L: the difference must integrate over at least one full period of the lowest F0, or a 60 Hz voice
        // is compared with a fraction of itself (n_fft 1024 at 22 050 Hz: W = 656 ≥ L = 368).
        if (IntegrationWindow < MaxLag)
        {
            throw new ArgumentException(
                $"The frame of {FrameLength} samples is too short for {minF0Hz} Hz: lags up to {MaxLag} need a frame of at least {2 * MaxLag}.");
        }
    }

    public int SampleRateHz { get; }

    public int HopLength { get; }

    /// <summary>Samples per analysis frame (the profile's n_fft), centred on t·hop.</summary>
    public int FrameLength { get; }

    public double MinF0Hz { get; }

    public double MaxF0Hz { get; }

    public double Threshold { get; }

    /// <summary>Smallest lag searched: ⌊sr / max F0⌋.</summary>
    public int MinLag { get; }

    /// <summary>Largest lag searched: ⌈sr / min F0⌉.</summary>
    public int MaxLag { get; }

    /// <summary>W: samples summed in the difference function (frame length − <see cref="MaxLag"/>).</summary>
    public int IntegrationWindow { get; }

    /// <summary>Frames for a signal of <paramref name="sampleCount"/> samples: 1 + ⌊samples / hop⌋, as the log-mel.</summary>
    public int FrameCount(int sampleCount) => 1 + sampleCount / HopLength;

    /// <summary>Tracks a signal already at the profile's rate (<see cref="SpeechAnalysis.Signal"/>).</summary>
    /// <exception cref="InvalidAudioException">A sample is not finite.</exception>
    public PitchTrack Track(ReadOnlySpan<float> signal)
    {
        foreach (var sample in signal)
        {
            if (!float.IsFinite(sample))
                throw new InvalidAudioException("The audio contains samples that are not finite (NaN or infinity).");
        }

        var frames = FrameCount(signal.Length);
        var f0 = new float[frames];
        var periodicity = new float[frames];
        var energy = ArrayPool<double>.Shared.Rent(frames);
        var frame = ArrayPool<float>.Shared.Rent(FrameLength);
        var cmndf = ArrayPool<double>.Shared.Rent(MaxLag + 1);
        try
        {
            // Pass 1: each frame's energy, for the clip-relative silence gate.
            var loudest = 0.0;
            for (var t = 0; t < frames; t++)
            {
                var sum = 0.0;
                foreach (var v in FrameSamples(signal, t, out _))
                    sum += (double)v * v;
                energy[t] = sum / FrameLength;
                loudest = Math.Max(loudest, energy[t]);
            }

            var gate = Math.Max(AbsoluteSilence, loudest * Math.Pow(10, -SilenceBelowLoudestDb / 10));
            for (var t = 0; t < frames; t++)
            {
                if (energy[t] <= gate)
                    continue; // unvoiced, periodicity 0 (the arrays start zeroed)

                LoadScaledFrame(signal, t, frame.AsSpan(0, FrameLength));
                CumulativeMeanNormalisedDifference(frame.AsSpan(0, FrameLength), cmndf.AsSpan(0, MaxLag + 1));
                var (lag, dip, voiced) = PickLag(cmndf.AsSpan(0, MaxLag + 1));
                f0[t] = voiced ? (float)(SampleRateHz / lag) : 0f;
                periodicity[t] = (float)Math.Clamp(1 - dip, 0, 1);
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(cmndf);
            ArrayPool<float>.Shared.Return(frame);
            ArrayPool<double>.Shared.Return(energy);
        }

        return PitchTrack.Wrap(f0, periodicity);
    }

    /// <summary>The part of frame t that lies inside the signal (the rest is zero padding); <paramref name="offset"/>: where it starts in the frame.</summary>
    private ReadOnlySpan<float> FrameSamples(ReadOnlySpan<float> signal, int t, out int offset)
    {
        var first = (long)t * HopLength - FrameLength / 2;
        var from = (int)Math.Clamp(-first, 0, FrameLength);
        var to = (int)Math.Clamp(signal.Length - first, from, FrameLength);
        offset = from;
        return signal.Slice((int)(first + from), to - from);
    }

    /// <summary>
    /// Frame t into <paramref name="frame"/>, zero-padded, divided by its largest magnitude. Why scale: YIN is
    /// scale-invariant, and in [−1, 1] the float sums of squares below cannot overflow however loud (or clipped) the
    /// input, nor lose precision to denormals however quiet.
    /// </summary>
    private void LoadScaledFrame(ReadOnlySpan<float> signal, int t, Span<float> frame)
    {
        var samples = FrameSamples(signal, t, out var offset);
        frame.Clear();
        var peak = 0f;
        foreach (var v in samples)
            peak = Math.Max(peak, Math.Abs(v));
        var scale = 1 / peak; // peak > 0: the frame passed the energy gate
        var target = frame.Slice(offset, samples.Length);
        for (var j = 0; j < samples.Length; j++)
            target[j] = samples[j] * scale;
    }

    /// <summary>
    /// d′(τ) for τ = 0 … L. The difference function is summed directly, O(W·L) (656 × 368 per frame), vectorised in
    /// float, four lags at a time: each lag keeps its own accumulator and its own order of terms, so the four are four
    /// independent add chains that share the loads of x[j] (one chain alone waits on the adder's latency every step).
    /// The FFT form (r(0) + r_τ(0) − 2r(τ)) was not written: the direct sum has none of that form's cancellation,
    /// which loses digits where d is small, exactly where the pitch is read.
    /// </summary>
    private void CumulativeMeanNormalisedDifference(ReadOnlySpan<float> frame, Span<double> cmndf)
    {
        Span<double> d = stackalloc double[4];
        cmndf[0] = 1;
        var running = 0.0;
        var lag = 1;
        for (; lag + 3 <= MaxLag; lag += 4)
        {
            Difference4(frame, lag, d);
            for (var k = 0; k < 4; k++)
            {
                running += d[k];
                // Why the guard: a constant (DC) frame has d ≡ 0; 1 (no dip at all) is what YIN defines for τ = 0.
                cmndf[lag + k] = running > 0 ? d[k] * (lag + k) / running : 1;
            }
        }
        if (lag <= MaxLag)
        {
            // The last MaxLag mod 4 lags: the group of four that ends at MaxLag, whose first lags are already summed
            // (MaxLag > 4, since the highest F0 lies below sr/4).
            var first = MaxLag - 3;
            Difference4(frame, first, d);
            for (; lag <= MaxLag; lag++)
            {
                var one = d[lag - first];
                running += one;
                cmndf[lag] = running > 0 ? one * lag / running : 1;
            }
        }
    }

    /// <summary>
    /// d(τ) = Σ_{j &lt; W} (x[j] − x[j+τ])² for τ = <paramref name="lag"/> … <paramref name="lag"/> + 3: per lag, float
    /// partial sums over j mod the vector width, added up, then the tail in double.
    /// </summary>
    private void Difference4(ReadOnlySpan<float> frame, int lag, Span<double> d)
    {
        var w = IntegrationWindow;
        ref var x = ref MemoryMarshal.GetReference(frame);
        var width = Vector<float>.Count;
        Vector<float> a0 = Vector<float>.Zero, a1 = Vector<float>.Zero, a2 = Vector<float>.Zero, a3 = Vector<float>.Zero;
        var j = 0;
        for (; j + width <= w; j += width)
        {
            var xj = Vector.LoadUnsafe(ref x, (nuint)j);
            var d0 = xj - Vector.LoadUnsafe(ref x, (nuint)(j + lag));
            var d1 = xj - Vector.LoadUnsafe(ref x, (nuint)(j + lag + 1));
            var d2 = xj - Vector.LoadUnsafe(ref x, (nuint)(j + lag + 2));
            var d3 = xj - Vector.LoadUnsafe(ref x, (nuint)(j + lag + 3));
            a0 += d0 * d0;
            a1 += d1 * d1;
            a2 += d2 * d2;
            a3 += d3 * d3;
        }

        d[0] = Vector.Sum(a0);
        d[1] = Vector.Sum(a1);
        d[2] = Vector.Sum(a2);
        d[3] = Vector.Sum(a3);
        for (var k = 0; k < 4; k++)
        {
            for (var i = j; i < w; i++)
            {
                var diff = frame[i] - frame[i + lag + k];
                d[k] += diff * diff;
            }
        }
    }

    /// <summary>YIN steps 4 and 5: the lag (fractional), the d′ dip there, and whether it passed the threshold.</summary>
    private (double Lag, double Dip, bool Voiced) PickLag(ReadOnlySpan<double> cmndf)
    {
        var lag = -1;
        for (var tau = MinLag; tau <= MaxLag; tau++)
        {
            if (cmndf[tau] < Threshold)
            {
                // Why descend: the first lag under the threshold is on the slope into the period's dip, not its bottom.
                while (tau + 1 <= MaxLag && cmndf[tau + 1] < cmndf[tau])
                    tau++;
                lag = tau;
                break;
            }
        }

        var voiced = lag >= 0;
        if (!voiced)
        {
            // No dip deep enough: the global minimum gives the periodicity (how nearly periodic), but no F0.
            lag = MinLag;
            for (var tau = MinLag + 1; tau <= MaxLag; tau++)
            {
                if (cmndf[tau] < cmndf[lag])
                    lag = tau;
            }
        }

        // Parabolic interpolation: integer lags quantise F0 badly at high pitch (at 44 samples one lag is 2.3%).
        // At the search edges there is no neighbour on one side; keep the integer lag there.
        if (lag > 1 && lag < MaxLag)
        {
            var a = cmndf[lag - 1];
            var b = cmndf[lag];
            var c = cmndf[lag + 1];
            var curvature = a - 2 * b + c;
            if (curvature > 0 && b <= a && b <= c)
            {
                var delta = 0.5 * (a - c) / curvature; // in [−0.5, 0.5] when b is the smallest of the three
                return (lag + delta, b - 0.25 * (a - c) * delta, voiced);
            }
        }

        return (lag, cmndf[lag], voiced);
    }
}
