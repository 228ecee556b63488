using EmotionRecognition.IntegrationTests.Infrastructure;
using EmotionRecognition.Trainer.Cli;
using EmotionRecognition.Trainer.Corpus;

namespace EmotionRecognition.IntegrationTests.Trainer;

/// <summary>The set-up of the end-to-end CRNN training tests: a small real corpus and the Trainer run on it.</summary>
internal static class RealCorpus
{
    /// <summary>Copies the speech clips of actors 1..<paramref name="actors"/> of ../shared/ravdess that match
    /// <paramref name="pattern"/> into <paramref name="folder"/>/corpus.</summary>
    public static void CopySpeech(TempFolder folder, int actors, string pattern = "03-01-*.wav")
    {
        var shared = Trainer.RealAudioTests.SharedRavdess;
        foreach (var actor in Enumerable.Range(1, actors))
        {
            var name = $"Actor_{actor:00}";
            Directory.CreateDirectory(folder.Combine("corpus", name));
            foreach (var file in Directory.GetFiles(Path.Combine(shared, name), pattern))
            {
                File.Copy(file, folder.Combine("corpus", name, Path.GetFileName(file)));
            }
        }
    }

    /// <summary>`train --config <paramref name="config"/>` with the real feature extraction, as the command line runs it.</summary>
    public static Task<(int Exit, string Out, string Err)> Train(string config) => Run("train", "--config", config);

    /// <summary>The Trainer's command line with <paramref name="args"/> and the real feature extraction.</summary>
    public static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = await new TrainerCli(stdout, stderr, interactive: false, FeatureExtractors.Mean).RunAsync(args);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
