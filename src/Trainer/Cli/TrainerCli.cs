using System.CommandLine;
using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Infrastructure.Configuration;
using EmotionRecognition.Infrastructure.ModelSets;
using EmotionRecognition.Trainer.Corpus;
using Microsoft.Extensions.Configuration;

namespace EmotionRecognition.Trainer.Cli;

/// <summary>
/// The Trainer's command line: <c>train</c> (also with no command), <c>evaluate</c>, <c>predict</c> and
/// <c>features</c>. Output goes to the given writers so tests can run every command in-process. Bad
/// input gets one line on stderr and a non-zero exit code (2 for usage, 1 for failures), never a
/// stack trace.
/// </summary>
internal sealed class TrainerCli(TextWriter stdout, TextWriter stderr, bool interactive, ExtractorFactory extractorFor)
{
    public const int Failed = 1;
    public const int Usage = 2;

    public async Task<int> RunAsync(string[] args, CancellationToken ct = default)
    {
        var parsed = Build().Parse(args);
        if (parsed.Errors.Count > 0)
        {
            stderr.WriteLine($"error: {OneLine(parsed.Errors[0].Message)} (see --help)");
            return Usage;
        }
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false }, ct);
    }

    public RootCommand Build()
    {
        var root = new RootCommand(
            "EmotionRecognition trainer: trains the CNN, DNN and CRNN on a RAVDESS folder, evaluates them on unseen speakers and saves them for the Api. " +
            "Without a command it runs `train`.");
        AddTrainOptionsAndAction(root);
        var train = new Command("train", "Extract features, cross-validate by actor, train the final networks and save them with reports (the default).");
        AddTrainOptionsAndAction(train);
        root.Subcommands.Add(train);
        root.Subcommands.Add(EvaluateCommand());
        root.Subcommands.Add(PredictCommand());
        root.Subcommands.Add(FeaturesCommand());
        root.Subcommands.Add(WorkerCommand());
        return root;
    }

    private static Option<string?> ConfigOption() => new("--config")
    {
        Description = "config.ini to read (default: $EMOTION_CONFIG, else the nearest config.ini above the working directory)",
    };

    private static Option<string?> ModelsOption() => new("--models") { Description = "models folder (overrides [models] path)" };

    private static Option<bool> JsonOption(string what) => new("--json") { Description = what };

    private static Option<bool> IncludeSongOption() => new("--include-song") { Description = "also use RAVDESS song clips (vocal channel 02)" };

    private void AddTrainOptionsAndAction(Command command)
    {
        var config = ConfigOption();
        var data = new Option<string?>("--data") { Description = "RAVDESS folder (overrides [data] source_path)" };
        var models = ModelsOption();
        var cache = new Option<string?>("--cache") { Description = "feature cache folder (overrides [data] cache_path)" };
        var seed = new Option<int?>("--seed") { Description = "random seed (overrides [training] seed)" };
        var epochs = new Option<int?>("--epochs") { Description = "maximum epochs (overrides [training] epochs)" };
        var folds = new Option<int?>("--folds") { Description = "k for k-fold cross-validation by actor (overrides [training] folds)" };
        var threads = new Option<int?>("--threads") { Description = "torch threads while training (overrides [training] threads)" };
        var includeSong = IncludeSongOption();
        var baselines = new Option<bool>("--baselines") { Description = "also cross-validate the ML.NET baselines (LightGbm, SdcaMaximumEntropy) on the MFCC vectors" };
        command.Options.Add(config);
        command.Options.Add(data);
        command.Options.Add(models);
        command.Options.Add(cache);
        command.Options.Add(seed);
        command.Options.Add(epochs);
        command.Options.Add(folds);
        command.Options.Add(threads);
        command.Options.Add(includeSong);
        command.Options.Add(baselines);
        command.SetAction((result, ct) => Task.FromResult(Guard(() =>
        {
            var configuration = Configuration(result.GetValue(config), new()
            {
                ["data:source_path"] = AbsolutePath(result.GetValue(data)),
                ["data:cache_path"] = AbsolutePath(result.GetValue(cache)),
                ["models:path"] = AbsolutePath(result.GetValue(models)),
                ["training:seed"] = result.GetValue(seed)?.ToString(),
                ["training:epochs"] = result.GetValue(epochs)?.ToString(),
                ["training:folds"] = result.GetValue(folds)?.ToString(),
                ["training:threads"] = result.GetValue(threads)?.ToString(),
            });
            return new TrainCommand(stdout, ProgressReporters.For(stdout, interactive), extractorFor)
                .Run(configuration, result.GetValue(includeSong), result.GetValue(baselines), ct);
        })));
    }

    private Command EvaluateCommand()
    {
        var config = ConfigOption();
        var data = new Option<string>("--data") { Description = "RAVDESS-layout folder to evaluate on", Required = true };
        var models = ModelsOption();
        var json = JsonOption("print one JSON object on stdout");
        var includeSong = IncludeSongOption();
        var conditions = new Option<bool>("--conditions")
        {
            Description = "also score every clip under each of the condition benchmark's 29 recording conditions (noise, level, telephone, codecs, echo, faults, padding; docs/conditions.md)",
        };
        var command = new Command("evaluate", "Evaluate the saved models on a RAVDESS-layout folder: accuracy, macro-F1 and confusion matrix per network.")
        {
            config, data, models, json, includeSong, conditions,
        };
        command.SetAction((result, ct) => Task.FromResult(Guard(() =>
        {
            var configuration = Configuration(result.GetValue(config), new() { ["models:path"] = AbsolutePath(result.GetValue(models)) });
            return new EvaluateCommand(stdout, ProgressReporters.For(stderr, interactive), extractorFor).Run(
                configuration, Path.GetFullPath(result.GetRequiredValue(data)), result.GetValue(json), result.GetValue(includeSong), ct, result.GetValue(conditions));
        })));
        return command;
    }

    private Command PredictCommand()
    {
        var config = ConfigOption();
        var models = ModelsOption();
        var network = new Option<string>("--network")
        {
            Description = "CNN, DNN or CRNN (any case)",
            DefaultValueFactory = _ => "CNN",
        };
        network.Validators.Add(r =>
        {
            if (!Domain.NetworkTypes.TryParse(r.GetValueOrDefault<string>(), out _))
            {
                r.AddError($"--network must be one of {Domain.NetworkTypes.ValidNames}, not '{r.GetValueOrDefault<string>()}'.");
            }
        });
        var json = JsonOption("print {\"FILE\": {\"results\": [...]}} (the Api's response shape) on stdout");
        var timeline = new Option<bool>("--timeline") { Description = "emotions over time: print the JSON of POST /prediction/{network}/timeline for each file" };
        var files = new Argument<string[]>("FILE") { Description = "WAV files", Arity = ArgumentArity.OneOrMore };
        var command = new Command("predict", "Predict the emotion of WAV files with the saved models.") { config, models, network, json, timeline, files };
        command.SetAction((result, ct) => Task.FromResult(Guard(() =>
        {
            var configuration = Configuration(result.GetValue(config), new() { ["models:path"] = AbsolutePath(result.GetValue(models)) });
            Domain.NetworkTypes.TryParse(result.GetValue(network), out var networkType);
            return result.GetValue(timeline)
                ? new TimelinePredictCommand(stdout, stderr).RunAsync(configuration, networkType, result.GetRequiredValue(files), ct).GetAwaiter().GetResult()
                : new PredictCommand(stdout, stderr).Run(configuration, networkType, result.GetRequiredValue(files), result.GetValue(json), ct);
        })));
        return command;
    }

    private Command FeaturesCommand()
    {
        var profile = new Option<string>("--profile")
        {
            Description = "compat (1.0 s offset, 2.5 s, the Api's vector) or full (whole clip)",
            DefaultValueFactory = _ => FeatureProfile.Compat.Name,
        };
        profile.Validators.Add(r =>
        {
            if (!FeatureProfile.TryGet(r.GetValueOrDefault<string>(), out _))
            {
                r.AddError($"--profile must be one of {string.Join(", ", FeatureProfile.Known.Select(p => p.Name))}, not '{r.GetValueOrDefault<string>()}'.");
            }
        });
        var json = JsonOption("print one JSON object {\"FILE\": [floats]} on stdout");
        var files = new Argument<string[]>("FILE") { Description = "WAV files", Arity = ArgumentArity.OneOrMore };
        var command = new Command("features", "Print each WAV file's mean MFCCs.") { profile, json, files };
        command.SetAction((result, ct) => Task.FromResult(Guard(() =>
        {
            FeatureProfile.TryGet(result.GetValue(profile), out var chosen);
            return new FeaturesCommand(stdout, stderr, extractorFor(chosen, 1.0)).Run(chosen, result.GetRequiredValue(files), result.GetValue(json), ct);
        })));
        return command;
    }

    /// <summary>Internal: one CRNN training job in a worker process started by <c>train</c> (see <see cref="Sequence.WorkerProcessJobRunner"/>).</summary>
    private Command WorkerCommand()
    {
        var job = new Option<string>("--job") { Description = "job file written by train", Required = true };
        var command = new Command(Sequence.TrainerProcess.WorkerCommand, "Train one CRNN network for a `train` run (started by train itself).")
        {
            job,
        };
        command.Hidden = true;
        command.SetAction((result, ct) => Task.FromResult(Guard(() => new CrnnWorkerCommand(stderr).Run(result.GetRequiredValue(job), ct))));
        return command;
    }

    /// <summary>config.ini and environment, then the command line's values on top.</summary>
    private static IConfiguration Configuration(string? configFile, Dictionary<string, string?> overrides) =>
        new ConfigurationBuilder()
            .AddEmotionConfigIni(configFile)
            .AddInMemoryCollection(overrides.Where(kv => kv.Value is not null))
            .Build();

    /// <summary>Paths typed on the command line are relative to the working directory, not to config.ini.</summary>
    private static string? AbsolutePath(string? path) => string.IsNullOrWhiteSpace(path) ? null : Path.GetFullPath(path);

    private int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("error: cancelled");
            return Failed;
        }
        catch (Exception e) when (e is InvalidConfigurationException or ModelStoreException or ModelsUnavailableException
            or NetworkNotAvailableException or Sequence.TrainingWorkerException or System.Text.Json.JsonException or IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException)
        {
            stderr.WriteLine($"error: {OneLine(e.Message)}");
            return Failed;
        }
        catch (Exception e)
        {
            // Still one line: a stack trace helps nobody running the CLI.
            stderr.WriteLine($"error: unexpected {e.GetType().Name}: {OneLine(e.Message)}");
            return Failed;
        }
    }

    internal static string OneLine(string message) => string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();
}
