using Microsoft.ML.OnnxRuntime;

namespace EmotionRecognition.Infrastructure.Onnx;

/// <summary>How every ONNX Runtime session of the service is opened.</summary>
public static class OnnxSessions
{
    /// <summary>
    /// A session whose runs use only the calling thread, with every graph optimisation. Why one thread: requests already
    /// run in parallel on the thread pool, and an intra-op pool per session would oversubscribe the cores.
    /// </summary>
    public static InferenceSession OnCallingThread(byte[] model)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        return new InferenceSession(model, options);
    }
}
