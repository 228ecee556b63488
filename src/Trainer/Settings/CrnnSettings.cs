using System.Globalization;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Infrastructure.Configuration;
using EmotionRecognition.Infrastructure.Models;
using EmotionRecognition.Trainer.Sequence;
using Microsoft.Extensions.Configuration;
using static EmotionRecognition.Infrastructure.Configuration.ConfigurationValues;

namespace EmotionRecognition.Trainer.Settings;

/// <summary>
/// <c>[crnn]</c> of config.ini: the CRNN recipe. Every key is optional and unset keys keep the shipped recipe
/// (<see cref="SequenceTrainingOptions.Default"/>), so config.ini lists none of them; docs/crnn.md (Recipe keys) describes
/// them. torch threads come from <c>[training] threads</c>. Keys of switches that were measured and removed are refused
/// with the reason, so an old config.ini never trains something other than it says.
/// </summary>
internal static class CrnnSettings
{
    public const string Section = "crnn";

    /// <summary>Keys that are no longer read, and what to do instead.</summary>
    private static readonly IReadOnlyDictionary<string, string> Removed = new Dictionary<string, string>
    {
        ["enabled"] = "list the networks to train in [training] networks (CNN, DNN, CRNN)",
        ["workers"] = "it is [training] workers now",
        ["selection"] = "every network is the mean of its weights over the last 20% of its schedule",
        ["speaker_adversary"] = "speaker-adversarial training measured as a loss and was removed (docs/crnn.md)",
        ["mixup_alpha"] = "mixup measured as a loss and was removed (docs/crnn.md)",
        ["test_mel_shifts"] = "test-time mel shifts did not help ensembles and were removed (docs/crnn.md)",
        ["repeat_short_clips"] = "repeating short clips when classifying did not help ensembles and was removed (docs/crnn.md)",
    };

    public static SequenceTrainingOptions From(IConfiguration configuration)
    {
        foreach (var (key, instead) in Removed)
        {
            if (configuration[$"{Section}:{key}"] is not null)
            {
                throw new InvalidConfigurationException($"[{Section}] {key} is no longer read: {instead}. Delete the line.");
            }
        }
        var d = SequenceTrainingOptions.Default;
        var a = d.Augmentation;
        int epochs = Integer(configuration, Section, "epochs", d.Epochs, min: 1);
        var pitch = Boolean(configuration, Section, "pitch", false);
        var options = SequenceTrainingOptions.OneNetwork with
        {
            Epochs = epochs,
            BatchSize = Integer(configuration, Section, "batch_size", d.BatchSize, min: 1),
            LearningRate = Real(configuration, Section, "learning_rate", d.LearningRate, min: 0, exclusiveMin: true),
            WeightDecay = Real(configuration, Section, "weight_decay", d.WeightDecay, min: 0),
            LabelSmoothing = Real(configuration, Section, "label_smoothing", d.LabelSmoothing, min: 0, max: 0.5),
            Threads = Integer(configuration, "training", "threads", d.Threads, min: 1),
            Augmentation = SequenceTrainingOptions.OneNetwork.Augmentation with
            {
                CropFrames = Integer(configuration, Section, "crop_frames", a.CropFrames, min: 8),
                WarpBands = Real(configuration, Section, "warp_bands", a.WarpBands, min: 0, max: MelShift.MaxBands),
            },
            Ensemble = Ensemble(configuration, epochs, pitch, d.Ensemble),
            FloorDb = Real(configuration, Section, "level_floor_db", d.FloorDb, min: 0, max: 80),
        };
        // Any pitch network makes the input carry pitch rows (log-mel-only members of a mixed ensemble drop them).
        bool anyPitch = pitch || options.Ensemble.Any(g => g.Pitch);
        options = options with
        {
            // The functionals include pitch statistics: a recipe without pitch networks mixes none unless it asks.
            FunctionalsWeight = Real(configuration, Section, "functionals_weight", anyPitch ? d.FunctionalsWeight : 0, min: 0, max: MaxFunctionalsWeight),
            FunctionalsL2 = Real(configuration, Section, "functionals_l2", d.FunctionalsL2, min: 0, max: MaxFunctionalsL2),
        };
        if (anyPitch)
        {
            options = options.WithPitchRows(Real(configuration, Section, "pitch_shift_semitones",
                SequenceTrainingOptions.PitchShiftSemitones, min: 0, max: MaxPitchShiftSemitones));
        }
        if (options.FunctionalsWeight > 0 && options.PitchRows == 0)
        {
            throw new InvalidConfigurationException(
                "[crnn] functionals_weight needs pitch networks (pitch = true or a pitch group in ensemble): the functionals include pitch statistics.");
        }
        return options;
    }

    /// <summary>Largest <c>functionals_weight</c>: below 1, so the networks always have a say.</summary>
    public const double MaxFunctionalsWeight = 0.9;

    /// <summary>Largest <c>functionals_l2</c>: far past the point where every coefficient is 0.</summary>
    public const double MaxFunctionalsL2 = 1000;

    /// <summary>Largest <c>pitch_shift_semitones</c>: an octave, beyond any one speaker's range of habitual pitch.</summary>
    public const double MaxPitchShiftSemitones = 12;

    /// <summary>
    /// <c>ensemble</c>: comma-separated groups, each <c>N</c> (N networks of <c>epochs</c> epochs) or <c>NxE</c> (N networks of
    /// E epochs), optionally followed by <c>pitch</c> or <c>plain</c> (pitch CRNNs or log-mel-only ones; unsaid: as the
    /// <c>pitch</c> key says), at most <see cref="EmotionCrnnEnsemble.MaxMembers"/> networks in all; <c>1</c> is a single network.
    /// Unset: the shipped ensemble.
    /// </summary>
    private static IReadOnlyList<EnsembleGroup> Ensemble(IConfiguration configuration, int epochs, bool pitch, IReadOnlyList<EnsembleGroup> fallback)
    {
        var text = configuration[$"{Section}:ensemble"];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
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
                throw Invalid(Section, "ensemble", text, expected);
            }
            var parts = item.Split(['x', '×'], 2);
            if (!TryCount(parts[0], out var members) || members < 1)
            {
                throw Invalid(Section, "ensemble", text, expected);
            }
            int groupEpochs = epochs;
            if (parts.Length == 2 && (!TryCount(parts[1], out groupEpochs) || groupEpochs < 1))
            {
                throw Invalid(Section, "ensemble", text, expected);
            }
            groups.Add(new EnsembleGroup(members, groupEpochs, groupPitch));
        }
        if (groups.Sum(g => (long)g.Members) > EmotionCrnnEnsemble.MaxMembers)
        {
            throw Invalid(Section, "ensemble", text, expected);
        }
        return groups;

        static bool TryCount(string s, out int value) =>
            int.TryParse(s.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
