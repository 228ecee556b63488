using System.Buffers.Binary;
using CsCheck;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Application.Features;
using EmotionRecognition.UnitTests.Audio;

namespace EmotionRecognition.UnitTests.Robustness;

/// <summary>
/// Property-based tests (CsCheck) of the untrusted-audio path. CsCheck picks its own seed, prints it with
/// any failure (and the shrunk input), and replays it when the seed is passed back (CsCheck_Seed=…).
/// Inputs are kept small (a few KiB) so each property runs in seconds; the bounds scale with the input.
/// </summary>
public sealed class AudioPropertyTests
{
    /// <summary>Per input: a few KiB take milliseconds, so only a hang or a runaway loop reaches this.</summary>
    private static readonly TimeSpan TimeBound = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Managed bytes one input may allocate: a fixed allowance for tables and pooled scratch, plus 512 per input
    /// byte. The worst legitimate case is 8-bit audio at the 1 kHz floor, upsampled 22×: about 90 bytes of
    /// float32 samples and 45 of log-mel per input byte for the full profile, and less for compat.
    /// </summary>
    private static long MemoryBound(int inputBytes) => (16L << 20) + 512L * inputBytes;

    private static readonly Gen<byte[]> AnyBytes = Gen.Byte.Array[0, 4096];

    /// <summary>"RIFF", a size, "WAVE" and then anything: gets random bytes past the first check into the chunk walk.</summary>
    private static readonly Gen<byte[]> RiffWithRandomChunks = Gen.Select(Gen.UInt, Gen.Byte.Array[0, 4096], (riffSize, tail) =>
    {
        var wav = new byte[12 + tail.Length];
        "RIFF"u8.CopyTo(wav);
        BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(4), riffSize);
        "WAVE"u8.CopyTo(wav.AsSpan(8));
        tail.CopyTo(wav, 12);
        return wav;
    });

    /// <summary>A structurally plausible WAV with random header fields and chunk sizes, then a few random byte edits.</summary>
    private static readonly Gen<byte[]> NearValidWav = Gen.Select(
        Gen.Frequency((4, Gen.OneOf<ushort>(1, 3, 0xFFFE)), (1, Gen.UShort)),
        Gen.Frequency((3, Gen.OneOf<ushort>(1, 3)), (1, Gen.Const<ushort>(6))),
        Gen.Frequency((4, Gen.Int[1, 2]), (1, Gen.Int[0, 9])),
        Gen.Frequency(
            (3, Gen.OneOf(8000, 16000, 22050, 44100, 48000)),
            (1, Gen.OneOf(0, 1, FeaturePipeline.MinSampleRateHz - 1, FeaturePipeline.MinSampleRateHz, FeaturePipeline.MaxSampleRateHz, FeaturePipeline.MaxSampleRateHz + 1, int.MaxValue)),
            (1, Gen.Int[1, 1_000_000])),
        Gen.Frequency((4, Gen.OneOf(8, 16, 24, 32, 64)), (1, Gen.Int[0, 70])),
        Gen.Frequency((4, Gen.Const((int?)null)), (1, Gen.Int[0, 65535].Select(v => (int?)v))),
        Gen.Byte.Array[0, 6000],
        Gen.Frequency((3, Gen.Const((uint?)null)), (1, Gen.UInt.Select(v => (uint?)v))),
        Gen.Bool,
        Gen.Frequency((2, Gen.Const(Array.Empty<(double, byte)>())), (1, Gen.Select(Gen.Double.Unit, Gen.Byte).Array[1, 4])),
        (tag, subFormat, channels, rateHz, bits, blockAlign, data, declaredDataSize, listChunkFirst, edits) =>
        {
            var builder = new WavBuilder();
            if (listChunkFirst)
                builder.Chunk("LIST", [1, 2, 3]);   // odd size: exercises the pad byte
            builder.Format(tag, channels, rateHz, bits, blockAlign, tag == 0xFFFE ? subFormat : null);
            if (declaredDataSize is { } claimed && claimed > data.Length)
                builder.TruncatedChunk("data", data, claimed);
            else
                builder.Chunk("data", data, declaredDataSize);
            var wav = builder.Build();
            foreach (var (where, value) in edits)
                wav[(int)(where * (wav.Length - 1))] = value;
            return wav;
        });

    [Test]
    public void AnyBytes_GiveFeaturesOrInvalidAudio_WithinBounds()
    {
        AnyBytes.Sample(AssertContractWithinBounds, iter: 3000);
    }

    [Test]
    public void RiffHeaderThenAnyBytes_GiveFeaturesOrInvalidAudio_WithinBounds()
    {
        RiffWithRandomChunks.Sample(AssertContractWithinBounds, iter: 3000);
    }

    [Test]
    public void NearValidWav_GivesFeaturesOrInvalidAudio_WithinBounds()
    {
        NearValidWav.Sample(AssertContractWithinBounds, iter: 1500);
    }

    [Test]
    public void NearValidWav_ValidHeaders_MostlyGiveFeatures()
    {
        // Guards the generator: if it only ever produced refusals the property above would be hollow.
        // About a quarter of its inputs decode; 10% leaves a margin of many standard deviations.
        var withFeatures = 0;
        NearValidWav.Sample(wav =>
        {
            if (AudioContract.Analyse(wav).FeatureVectors > 0)
                Interlocked.Increment(ref withFeatures);
        }, iter: 500);

        Assert.That(withFeatures, Is.GreaterThan(50));
    }

    [Test]
    public void FiniteSamples_AtAnySupportedRate_GiveFiniteFeatures()
    {
        // Three kinds of finite input: normal audio (±1), loud audio, and every finite float32 bit pattern
        // (subnormals up to ±3.4e38).
        var finite = Gen.Int.Select(BitConverter.Int32BitsToSingle).Where(float.IsFinite);
        var samples = Gen.Frequency(
            (2, Gen.Float[-1f, 1f].Array[0, 8192]),
            (1, Gen.Float[-1e30f, 1e30f].Array[0, 8192]),
            (1, finite.Array[0, 8192]));
        var rateHz = Gen.Frequency(
            (1, Gen.Const(FeatureProfile.Full.SampleRateHz)),
            (2, Gen.Int[FeaturePipeline.MinSampleRateHz, FeaturePipeline.MaxSampleRateHz]));

        Gen.Select(samples, rateHz).Sample((values, sampleRateHz) =>
        {
            var refusals = new List<string>();
            var violations = AudioContract.ViolationsFor(new AudioClip(values, sampleRateHz), refusals);

            Assert.That(violations, Is.Empty);
            // The one refusal finite audio may get: values so far past full scale (±1) that the float32
            // resampler overflows. Its filter's gain is a few units, so that needs samples near float32's limit.
            var loudest = values.Length == 0 ? 0 : values.Max(MathF.Abs);
            Assert.That(refusals, Has.All.EndsWith(TooLargeToResample));
            Assert.That(refusals.Count == 0 || (sampleRateHz != FeatureProfile.Full.SampleRateHz && loudest > float.MaxValue / 64), Is.True,
                $"refused with loudest sample {loudest} at {sampleRateHz} Hz");
        }, iter: 400);
    }

    private const string TooLargeToResample = "The audio's samples are too large to resample (far beyond full scale ±1).";

    [Test]
    public void FloatWav_WithNaNOrInfinity_IsRefusedNamingTheProblem()
    {
        var gen = Gen.Select(
            Gen.Float[-1f, 1f].Array[1, 4096],
            Gen.OneOf(float.NaN, float.PositiveInfinity, float.NegativeInfinity),
            Gen.Double.Unit,
            Gen.OneOf(16000, 22050, 44100));

        gen.Sample((samples, bad, where, sampleRateHz) =>
        {
            samples[(int)(where * (samples.Length - 1))] = bad;
            var wav = new WavBuilder().Format(3, 1, sampleRateHz, 32).Data(WavBuilder.Floats(samples)).Build();

            var outcome = AudioContract.Analyse(wav);

            // The full profile analyses every sample, so it must see the bad one and refuse.
            Assert.That(outcome.Violations, Is.Empty);
            Assert.That(outcome.Refusals, Does.Contain("full: The audio contains samples that are not finite (NaN or infinity)."));
        }, iter: 200);
    }

    [Test]
    public void PureTone_ResampledAtAnyRate_PeaksInTheMelBandOfItsFrequency()
    {
        var profile = FeatureProfile.Full;
        var pipeline = new FeaturePipeline(profile);
        var filterbank = new MelFilterbank(profile.SampleRateHz, profile.FftSize, profile.MelBands, profile.MinFrequencyHz, profile.EffectiveMaxFrequencyHz);
        // A Hann window's main lobe is ±2 FFT bins wide, so energy spills that far into neighbouring bands.
        var leakageHz = 2.0 * profile.SampleRateHz / profile.FftSize;

        var gen = Gen.Select(Gen.Int[8000, 96000], Gen.Double.Unit, Gen.Double[0, 2 * Math.PI]);
        gen.Sample((sampleRateHz, position, phase) =>
        {
            // Keep the tone inside both passbands (resampy's filter rolls off at 0.87 of Nyquist).
            var highestHz = 0.8 * Math.Min(sampleRateHz, profile.SampleRateHz) / 2;
            var frequencyHz = 100 + position * (highestHz - 100);
            var samples = new float[sampleRateHz / 2];
            for (var n = 0; n < samples.Length; n++)
                samples[n] = (float)(0.5 * Math.Sin(2 * Math.PI * frequencyHz * n / sampleRateHz + phase));

            var logMel = pipeline.ExtractLogMel(new AudioClip(samples, sampleRateHz));

            var loudestBand = Enumerable.Range(0, logMel.Rows).MaxBy(m => Average(logMel.Row(m)));
            var lowHz = filterbank.EdgesHz[loudestBand] - leakageHz;
            var highHz = filterbank.EdgesHz[loudestBand + 2] + leakageHz;
            Assert.That(frequencyHz, Is.InRange(lowHz, highHz),
                $"{frequencyHz:F1} Hz at {sampleRateHz} Hz peaked in band {loudestBand} ({filterbank.EdgesHz[loudestBand]:F1}..{filterbank.EdgesHz[loudestBand + 2]:F1} Hz)");
        }, iter: 60);
    }

    private static double Average(ReadOnlySpan<float> values)
    {
        var sum = 0.0;
        foreach (var v in values)
            sum += v;
        return sum / values.Length;
    }

    private static void AssertContractWithinBounds(byte[] wav)
    {
        var outcome = AudioContract.Analyse(wav);

        Assert.That(outcome.Violations, Is.Empty);
        Assert.That(outcome.FeatureVectors > 0 || outcome.Refusals.Count > 0, Is.True, "neither features nor an InvalidAudioException");
        Assert.That(outcome.Elapsed, Is.LessThan(TimeBound));
        Assert.That(outcome.AllocatedBytes, Is.LessThan(MemoryBound(wav.Length)));
    }
}
