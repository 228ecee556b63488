using EmotionRecognition.Trainer.Cli;
using EmotionRecognition.Trainer.Corpus;

// Progress bars only when a person watches; plain lines in logs and pipes.
var interactive = !Console.IsOutputRedirected && !Console.IsErrorRedirected;
return await new TrainerCli(Console.Out, Console.Error, interactive, FeatureExtractors.Mean).RunAsync(args);
