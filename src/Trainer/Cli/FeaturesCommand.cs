using System.Globalization;
using System.Text.Json;
using EmotionRecognition.Application.Features;
using EmotionRecognition.Trainer.Corpus;

namespace EmotionRecognition.Trainer.Cli;

/// <summary>
/// <c>features</c>: each WAV file's mean MFCCs under a profile, one line per file or one JSON object
/// <c>{"FILE": [floats]}</c>. A bad file gets one line on stderr naming it and the problem; the others
/// are still processed; the exit code is 1 if any failed.
/// </summary>
internal sealed class FeaturesCommand(TextWriter stdout, TextWriter stderr, ExtractFeatures extract)
{
    public int Run(FeatureProfile profile, IReadOnlyList<string> files, bool json, CancellationToken ct)
    {
        var results = new float[]?[files.Count];
        var errors = new string?[files.Count];
        Parallel.For(0, files.Count, new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            try
            {
                results[i] = extract(File.ReadAllBytes(files[i]));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                errors[i] = TrainerCli.OneLine(e.Message);
            }
        });

        using var output = new MemoryStream();
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = false }))
        {
            writer.WriteStartObject();
            for (int i = 0; i < files.Count; i++)
            {
                if (errors[i] is { } error)
                {
                    stderr.WriteLine($"{files[i]}: {error}");
                    continue;
                }
                var features = results[i]!;
                if (json)
                {
                    writer.WriteStartArray(files[i]);
                    foreach (var value in features)
                    {
                        writer.WriteNumberValue(value);
                    }
                    writer.WriteEndArray();
                }
                else
                {
                    stdout.WriteLine($"{files[i]}: " + string.Join(' ', features.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
                }
            }
            writer.WriteEndObject();
        }
        if (json)
        {
            stdout.WriteLine(System.Text.Encoding.UTF8.GetString(output.ToArray()));
        }
        return errors.Any(e => e is not null) ? TrainerCli.Failed : 0;
    }
}
