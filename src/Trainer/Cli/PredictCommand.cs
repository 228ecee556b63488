using System.Globalization;
using System.Text.Json;
using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Audio;
using EmotionRecognition.Domain;
using EmotionRecognition.Infrastructure.Audio;
using EmotionRecognition.Infrastructure.Configuration;
using EmotionRecognition.Infrastructure.ModelSets;
using EmotionRecognition.Trainer.Corpus;
using EmotionRecognition.Trainer.Sequence;
using Microsoft.Extensions.Configuration;

using EmotionRecognition.Trainer.Training;

namespace EmotionRecognition.Trainer.Cli;

/// <summary>
/// <c>predict</c>: each WAV file through the manifest's feature profile and one saved network.
/// <c>--json</c> prints <c>{"FILE": {"results": [{"emotionType": "angry", "prediction": p}, …]}}</c>,
/// each value exactly the Api's response. A file that fails gets one line on stderr; the others are
/// still predicted; the exit code is 1 if any failed.
/// </summary>
internal sealed class PredictCommand(TextWriter stdout, TextWriter stderr)
{
    public int Run(IConfiguration configuration, NetworkType network, IReadOnlyList<string> files, bool json, CancellationToken ct)
    {
        var set = new ModelStore(ModelsOptions.From(configuration).Path).LoadCurrent();
        set.Describe(network);
        int failed = 0;
        using var output = new MemoryStream();
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            foreach (var file in files)
            {
                ct.ThrowIfCancellationRequested();
                float[] probabilities;
                try
                {
                    probabilities = set.ClassifyAsync(network, AudioDecoding.ForLocalFiles.DecodeFile(file, ct), ct).AsTask().GetAwaiter().GetResult();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    stderr.WriteLine($"{file}: {TrainerCli.OneLine(e.Message)}");
                    failed++;
                    continue;
                }
                if (json)
                {
                    writer.WriteStartObject(file);
                    writer.WriteStartArray("results");
                    for (int i = 0; i < probabilities.Length; i++)
                    {
                        writer.WriteStartObject();
                        writer.WriteString("emotionType", Emotions.InLabelOrder[i].Label());
                        writer.WriteNumber("prediction", probabilities[i]);
                        writer.WriteEndObject();
                    }
                    writer.WriteEndArray();
                    writer.WriteEndObject();
                }
                else
                {
                    int best = Probabilities.ArgMax(probabilities);
                    var all = string.Join(", ", probabilities.Select((p, i) => string.Create(CultureInfo.InvariantCulture, $"{Emotions.InLabelOrder[i].Label()} {p:F3}")));
                    stdout.WriteLine($"{file}: {Emotions.InLabelOrder[best].Label()} ({network.Name()}: {all})");
                }
            }
            writer.WriteEndObject();
        }
        if (json)
        {
            stdout.WriteLine(System.Text.Encoding.UTF8.GetString(output.ToArray()));
        }
        return failed == 0 ? 0 : TrainerCli.Failed;
    }
}
