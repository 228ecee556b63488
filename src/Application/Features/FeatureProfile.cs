using System.Text.Json.Serialization;

namespace EmotionRecognition.Application.Features;

/// <summary>
/// Every parameter that turns audio into features, in one value. Models carry the
/// profile they were trained with (in their manifest), and the Api extracts audio
/// with that stored profile, so training and serving can never drift.
/// Defaults are librosa 0.11's (n_fft 2048, hop 512, periodic Hann, centred frames
/// with zero padding, 128 Slaney mels from 0 Hz to sr/2, power 2, power_to_db with
/// ref 1, amin 1e-10, top_db 80, orthonormal DCT-II).
/// </summary>
/// <param name="Name">"compat", "full", "sequence" or "sequence-pitch".</param>
/// <param name="Version">Bumped whenever any computation behind the numbers changes; a model with another version must be retrained.</param>
/// <param name="SampleRateHz">Audio is resampled to this rate (resampy kaiser_fast) before framing.</param>
/// <param name="OffsetSeconds">Start of the analysed window, cut at the file's native rate.</param>
/// <param name="DurationSeconds">Length of the analysed window; null for the whole clip.</param>
/// <param name="FftSize">Frame length in samples (n_fft).</param>
/// <param name="HopLength">Samples between frame starts.</param>
/// <param name="MelBands">Number of mel filters.</param>
/// <param name="MinFrequencyHz">Lowest mel-filter edge.</param>
/// <param name="MaxFrequencyHz">Highest mel-filter edge; null for the Nyquist frequency.</param>
/// <param name="CoefficientCount">MFCCs kept per frame.</param>
/// <param name="TopDb">Decibels below the loudest bin where power_to_db clips.</param>
public sealed record FeatureProfile(
    string Name,
    int Version,
    int SampleRateHz,
    double OffsetSeconds,
    double? DurationSeconds,
    int FftSize,
    int HopLength,
    int MelBands,
    double MinFrequencyHz,
    double? MaxFrequencyHz,
    int CoefficientCount,
    double TopDb)
{
    /// <summary>The version of the extraction code; part of every profile so stale models are refused.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The number of MFCCs in the original contract: the length of <c>{"mfccs":[…]}</c>.</summary>
    public const int ContractMfccCount = 25;

    /// <summary>
    /// The original service's vector: librosa.load(sr=22050, res_type='kaiser_fast',
    /// offset=1.0, duration=2.5), then mfcc(n_mfcc=25).mean(axis=1).
    /// </summary>
    public static FeatureProfile Compat { get; } = new(
        Name: "compat",
        Version: CurrentVersion,
        SampleRateHz: 22050,
        OffsetSeconds: 1.0,
        DurationSeconds: 2.5,
        FftSize: 2048,
        HopLength: 512,
        MelBands: 128,
        MinFrequencyHz: 0,
        MaxFrequencyHz: null,
        CoefficientCount: ContractMfccCount,
        TopDb: 80);

    /// <summary>The same as <see cref="Compat"/> over the whole clip.</summary>
    public static FeatureProfile Full { get; } = Compat with { Name = "full", OffsetSeconds = 0, DurationSeconds = null };

    /// <summary>
    /// The CRNN's log-mel sequence (<see cref="SpeechAnalysis.LogMel"/>): the whole clip at 22.05 kHz,
    /// 46 ms windows (n_fft 1024) every 23 ms (hop 512), 64 Slaney mels from 0 Hz to Nyquist. Half the
    /// window and half the bands of <see cref="Full"/> halve the network's cost; 64 mels still resolve the
    /// formants, and the low harmonics of the voice below ~1 kHz. <see cref="CoefficientCount"/> is not used
    /// by log-mel extraction.
    /// </summary>
    public static FeatureProfile Sequence { get; } = Full with { Name = "sequence", FftSize = 1024, MelBands = 64, CoefficientCount = 20, FloorDb = 40 };

    /// <summary>
    /// <see cref="Sequence"/> with <see cref="PitchFeatures.Rows"/> pitch rows after the mel bands
    /// (<see cref="FeaturePipeline.Sequence"/>): the same log-mel on the same frame grid, so the log-mel and pitch
    /// caches of the two profiles are interchangeable; only the network input differs.
    /// </summary>
    public static FeatureProfile SequencePitch { get; } = Sequence with { Name = "sequence-pitch", PitchRows = PitchFeatures.Rows };

    public static IReadOnlyList<FeatureProfile> Known { get; } = [Compat, Full, Sequence, SequencePitch];

    /// <summary>
    /// Pitch rows (<see cref="PitchFeatures"/>) after the mel bands of a sequence network's input; 0 for every profile
    /// without them. Why an init property with a default and not a parameter: manifests written before it existed lack
    /// the field and must read back as the same profile (0), and it is left out of JSON when 0 so those profiles still
    /// serialise byte for byte as before (cache folder keys hash that JSON).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int PitchRows { get; init; }

    /// <summary>
    /// A sequence network's level floor: log-mel values more than this many dB below the clip's loudest value are raised to
    /// it before the network input and the clip statistics are computed (<see cref="SequenceFeatures.Floor"/>), and
    /// the whole clip is kept instead of its speech span (<see cref="SequenceFeatures.SpeechSpan"/>); 0: none.
    /// Why: per-utterance normalisation removes a change of level, but not what lies under the speech. A clip 30 dB quieter
    /// sinks its pauses from the room's noise into 16-bit quantisation noise (or a phone's noise floor), and those frames
    /// then move every band's statistics. Relative to the loudest value, the floor sits above both whatever the level, so a
    /// quieter clip gives nearly the same input (measured in docs/conditions.md). A default-0 init property for the reason
    /// <see cref="PitchRows"/> is one: older manifests read back unchanged.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public double FloorDb { get; init; }

    public static bool TryGet(string? name, out FeatureProfile profile)
    {
        profile = Known.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))!;
        return profile is not null;
    }

    /// <summary>The upper mel edge in Hz: <see cref="MaxFrequencyHz"/> or Nyquist.</summary>
    public double EffectiveMaxFrequencyHz => MaxFrequencyHz ?? SampleRateHz / 2.0;
}
