using BenchmarkDotNet.Running;
using EmotionRecognition.Benchmarks;

// dotnet run -c Release --project benchmarks/EmotionRecognition.Benchmarks -- corpus ../shared/ravdess
// dotnet run -c Release --project benchmarks/EmotionRecognition.Benchmarks -- --filter '*' --job short
// dotnet run -c Release --project benchmarks/EmotionRecognition.Benchmarks -- clip
if (args.Length > 0 && args[0] == "corpus")
    return CorpusRun.Run(args[1..]);
if (args.Length > 0 && args[0] == "clip")
    return ClipRun.Run(args[1..]);

BenchmarkSwitcher.FromAssembly(typeof(FeatureBenchmarks).Assembly).Run(args);
return 0;
