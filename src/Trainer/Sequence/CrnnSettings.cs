using System.Globalization;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Infrastructure.ModelStore;
using EmotionRecognition.Infrastructure.Models;
using Microsoft.Extensions.Configuration;

namespace EmotionRecognition.Trainer.Sequence;

/// <summary>
/// <c>[crnn]</c> of config.ini: whether <c>train</c> also trains the audio-only CRNN, and its recipe.
/// Off unless <c>enabled = true</c> (the shipped config.ini turns it on), so a config without the
/// section trains CNN and DNN exactly as before. Unset keys take <see cref="SequenceTrainingOptions.Default"/>;
/// torch threads come from <c>[training] threads</c>.
/// </summary>
/// <param name="Workers">Networks trained at the same time, each in its own worker process (1: one after the other in
/// the Trainer's process). Changes how long training takes, never the weights.</param>
public sealed record CrnnSettings(bool Enabled, SequenceTrainingOptions Options, int Workers)
{
    public const string Section = "crnn";

    public static CrnnSettings From(IConfiguration configuration)
    {
        var d = SequenceTrainingOptions.Default;
        var a = d.Augmentation;
        var options = d with
        {
            Epochs = Integer(configuration, "epochs", d.Epochs, min: 1),
            BatchSize = Integer(configuration, "batch_size", d.BatchSize, min: 1),
            LearningRate = Real(configuration, "learning_rate", d.LearningRate, min: 1e-9),
            WeightDecay = Real(configuration, "weight_decay", d.WeightDecay, min: 0),
            LabelSmoothing = Real(configuration, "label_smoothing", d.LabelSmoothing, min: 0, max: 0.5),
            MixupAlpha = Real(configuration, "mixup_alpha", d.MixupAlpha, min: 0),
            SpeakerAdversary = Real(configuration, "speaker_adversary", d.SpeakerAdversary, min: 0, max: MaxSpeakerAdversary),
            Threads = Integer(configuration, "threads", d.Threads, min: 1, section: "training"),
            Augmentation = a with
            {
                CropFrames = Integer(configuration, "crop_frames", a.CropFrames, min: 8),
                WarpBands = Real(configuration, "warp_bands", a.WarpBands, min: 0, max: MaxWarpBands),
            },
        };
        if (options.SpeakerAdversary > 0 && options.MixupAlpha > 0)
        {
            throw new Infrastructure.Configuration.InvalidConfigurationException(
                "[crnn] speaker_adversary and mixup_alpha cannot both be on: a blend of two clips has no single speaker for the adversary to tell.");
        }
        options = options with
        {
            TestMelShifts = Shifts(configuration, "test_mel_shifts"),
            RepeatShortClips = Boolean(configuration, "repeat_short_clips"),
            FunctionalsWeight = Real(configuration, "functionals_weight", d.FunctionalsWeight, min: 0, max: MaxFunctionalsWeight),
            FunctionalsL2 = Real(configuration, "functionals_l2", d.FunctionalsL2, min: 0, max: MaxFunctionalsL2),
        };
        var pitch = Boolean(configuration, "pitch");
        options = options with
        {
            Ensemble = Ensemble(configuration, options.Epochs, pitch, d.Ensemble),
            AverageLastShare = Selection(configuration, d.AverageLastShare),
        };
        // Any pitch network makes the input carry pitch rows (log-mel-only members of a mixed ensemble drop them).
        if (pitch || options.Ensemble.Any(g => g.Pitch))
        {
            options = WithPitch(options, Real(configuration, "pitch_shift_semitones", PitchShiftSemitones, min: 0, max: MaxPitchShiftSemitones));
        }
        if (options.FunctionalsWeight > 0 && options.PitchRows == 0)
        {
            throw new Infrastructure.Configuration.InvalidConfigurationException(
                "[crnn] functionals_weight needs pitch networks (pitch = true or a pitch group in ensemble): the functionals include pitch statistics.");
        }
        var enabled = Boolean(configuration, "enabled");
        // Default: one worker per core, each running the configured torch threads.
        var workers = Integer(configuration, "workers", Math.Max(1, Environment.ProcessorCount / options.Threads), min: 1, max: 256);
        return new CrnnSettings(enabled, options, workers);
    }

    /// <summary>
    /// <c>pitch = true</c>: pitch CRNNs (<see cref="EmotionCrnn.PitchArchitectureName"/>, profile <see cref="FeatureProfile.SequencePitch"/>) on
    /// the mel bands plus <see cref="PitchFeatures.Rows"/> pitch rows, augmented as <c>CrnnLab pitch=true</c> does it: the
    /// mel shift and frequency masks stay within the mel rows, and the absolute pitch row gets its own shift.
    /// </summary>
    public static SequenceTrainingOptions WithPitch(SequenceTrainingOptions options, double pitchShiftSemitones = PitchShiftSemitones) => options with
    {
        PitchRows = FeatureProfile.SequencePitch.PitchRows,
        Augmentation = options.Augmentation with { MelRows = FeatureProfile.SequencePitch.MelBands, PitchShiftSemitones = pitchShiftSemitones },
    };

    /// <summary>Largest <c>functionals_weight</c>: below 1, so the networks always have a say.</summary>
    public const double MaxFunctionalsWeight = 0.9;

    /// <summary>Largest <c>functionals_l2</c>: far past the point where every coefficient is 0.</summary>
    public const double MaxFunctionalsL2 = 1000;

    /// <summary>± semitones of the absolute pitch row's random shift with <c>pitch = true</c> unless <c>pitch_shift_semitones</c>
    /// says otherwise (CrnnLab's pitchshift= default).</summary>
    public const double PitchShiftSemitones = 1;

    /// <summary>Largest <c>pitch_shift_semitones</c>: an octave, beyond any one speaker's range of habitual pitch.</summary>
    public const double MaxPitchShiftSemitones = 12;

    /// <summary>Largest <c>speaker_adversary</c>: beyond this the reversed gradient swamps the emotion loss.</summary>
    public const double MaxSpeakerAdversary = 10;

    /// <summary>Largest <c>warp_bands</c> (<see cref="MelShift.MaxBands"/>).</summary>
    public const double MaxWarpBands = MelShift.MaxBands;

    /// <summary>
    /// <c>ensemble</c>: comma-separated groups, each <c>N</c> (N networks of <c>epochs</c> epochs) or <c>NxE</c> (N networks of
    /// E epochs), optionally followed by <c>pitch</c> or <c>plain</c> (pitch CRNNs or log-mel-only ones; unsaid: as the
    /// <c>pitch</c> key says), at most <see cref="EmotionCrnnEnsemble.MaxMembers"/> networks in all; <c>1</c> is a single network.
    /// </summary>
    private static IReadOnlyList<EnsembleGroup> Ensemble(IConfiguration configuration, int epochs, bool pitch, IReadOnlyList<EnsembleGroup> fallback)
    {
        var text = configuration[$"{Section}:ensemble"];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback.Select(g => g with { Pitch = pitch }).ToArray();
        }
        var expected = $"groups like 5 or 5x100, 3x150 or 2x100 pitch, 1x100 plain (networks x epochs [pitch|plain]), " +
            $"{EmotionCrnnEnsemble.MaxMembers} networks at most";
        var groups = new List<EnsembleGroup>();
        foreach (var entry in text.Split(','))
        {
            var words = entry.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var item = words.Length > 0 ? words[0] : "";
            bool groupPitch = pitch;
            if (words.Length == 2 && (words[1].Equals("pitch", StringComparison.OrdinalIgnoreCase) || words[1].Equals("plain", StringComparison.OrdinalIgnoreCase)))
            {
                groupPitch = words[1].Equals("pitch", StringComparison.OrdinalIgnoreCase);
            }
            else if (words.Length != 1)
            {
                throw Invalid("ensemble", text, expected);
            }
            var parts = item.Split(['x', '×'], 2);
            if (!TryCount(parts[0], out var members) || members < 1)
            {
                throw Invalid("ensemble", text, expected);
            }
            int groupEpochs = epochs;
            if (parts.Length == 2 && (!TryCount(parts[1], out groupEpochs) || groupEpochs < 1))
            {
                throw Invalid("ensemble", text, expected);
            }
            groups.Add(new EnsembleGroup(members, groupEpochs, groupPitch));
        }
        if (groups.Sum(g => (long)g.Members) > EmotionCrnnEnsemble.MaxMembers)
        {
            throw Invalid("ensemble", text, expected);
        }
        return groups;

        static bool TryCount(string s, out int value) =>
            int.TryParse(s.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>
    /// <c>selection</c>: <c>validation</c> (each network keeps the epoch most accurate on the validation actors) or
    /// <c>average N%</c> (the mean of the weights of the last N% of epochs; the validation actors train too). Returns
    /// <see cref="SequenceTrainingOptions.AverageLastShare"/>.
    /// </summary>
    private static double Selection(IConfiguration configuration, double fallback)
    {
        var text = configuration[$"{Section}:selection"];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }
        var value = text.Trim();
        if (value.Equals("validation", StringComparison.OrdinalIgnoreCase))
        {
            return 0;
        }
        const string prefix = "average";
        if (value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && value.EndsWith('%')
            && double.TryParse(value[prefix.Length..^1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var percent)
            && percent > 0 && percent <= 100)
        {
            return percent / 100;
        }
        throw Invalid("selection", text, "validation, or average N% with 0 < N ≤ 100 (e.g. average 20%)");
    }

    /// <summary>A key that is <c>true</c> or <c>false</c> (any case); unset is false.</summary>
    private static bool Boolean(IConfiguration configuration, string key) =>
        configuration[$"{Section}:{key}"] is { } text
            ? bool.TryParse(text.Trim(), out var on) ? on : throw Invalid(key, text, "true or false")
            : false;

    private static int Integer(IConfiguration configuration, string key, int fallback, int min, int max = int.MaxValue, string section = Section)
    {
        var text = configuration[$"{section}:{key}"];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }
        return int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw Invalid(key, text, max == int.MaxValue ? $"a whole number ≥ {min}" : $"a whole number from {min} to {max}", section);
    }

    /// <summary>A comma-separated list of mel shifts in bands, each within ±<see cref="ModelStore.MaxMelShiftBands"/>, at most
    /// <see cref="ModelStore.MaxMelShifts"/>; unset or empty: none.</summary>
    private static IReadOnlyList<double> Shifts(IConfiguration configuration, string key)
    {
        var text = configuration[$"{Section}:{key}"];
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }
        var parts = text.Split(',');
        var values = new List<double>();
        foreach (var part in parts)
        {
            if (!double.TryParse(part.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                || !double.IsFinite(value) || Math.Abs(value) > ModelStore.MaxMelShiftBands)
            {
                throw Invalid(key, text, $"comma-separated mel shifts, each from -{ModelStore.MaxMelShiftBands} to {ModelStore.MaxMelShiftBands} bands");
            }
            values.Add(value);
        }
        return values.Count <= ModelStore.MaxMelShifts
            ? values
            : throw Invalid(key, text, $"at most {ModelStore.MaxMelShifts} mel shifts");
    }

    private static double Real(IConfiguration configuration, string key, double fallback, double min, double max = double.MaxValue)
    {
        var text = configuration[$"{Section}:{key}"];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }
        return double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value >= min && value <= max
            ? value
            : throw Invalid(key, text, max == double.MaxValue ? $"a number ≥ {min}" : $"a number from {min} to {max}");
    }

    private static Infrastructure.Configuration.InvalidConfigurationException Invalid(string key, string text, string expected, string section = Section) =>
        new($"[{section}] {key} = '{text}' is not valid: expected {expected}.");
}
