using EmotionRecognition.Infrastructure.Native;
using EmotionRecognition.Trainer.Cli;
using EmotionRecognition.Trainer.Corpus;

// libtorch re-allocates its buffers every training step; without this glibc returns them to the kernel each time.
GlibcHeap.KeepFreedMemory();

// Progress bars only when a person watches; plain lines in logs and pipes.
var interactive = !Console.IsOutputRedirected && !Console.IsErrorRedirected;
return await new TrainerCli(Console.Out, Console.Error, interactive, FeatureExtractors.Mean).RunAsync(args);
