using System.Runtime.InteropServices;

namespace EmotionRecognition.Trainer.Sequence;

/// <summary>
/// Runs a training job again when libtorch fails in the middle of it. On this machine a long run now and then dies in an
/// ordinary tensor operation with "Unknown scalar type" or "Expected false to be true" from libtorch (in AdamW's step, in
/// a tensor sum); the same job run again with the same seed trains through. The likely cause is TorchSharp's: the
/// temporary <c>Scalar</c> an operator passes to libtorch (the <c>alpha</c> of <c>a + b</c>) is unreachable during the
/// native call, so a garbage collection can free it while libtorch reads it. Nothing in our code can keep those alive,
/// so a job is the unit of recovery: it starts again from its seed, which gives the very weights an undisturbed run gives
/// (fits are deterministic), at the price of the time the failed attempt took. Any other failure is not retried.
/// </summary>
internal static class LibtorchFailures
{
    /// <summary>Attempts per job, the first included.</summary>
    public const int MaxAttempts = 3;

    /// <exception cref="TrainingWorkerException">Every attempt failed in libtorch (the last one's message).</exception>
    public static T Retry<T>(Func<T> job, string jobName)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return job();
            }
            catch (Exception e) when (IsLibtorchFailure(e) && attempt < MaxAttempts)
            {
                // Again from the start: the job's seed makes the next attempt what this one would have been.
            }
            catch (Exception e) when (IsLibtorchFailure(e))
            {
                throw new TrainingWorkerException(
                    $"CRNN training for {jobName} failed in libtorch {MaxAttempts} times in a row: {CliMessage(e)}");
            }
        }
    }

    /// <inheritdoc cref="Retry{T}(Func{T}, string)"/>
    public static void Retry(Action job, string jobName) => Retry(() => { job(); return 0; }, jobName);

    /// <summary>TorchSharp reports libtorch's errors as <see cref="ExternalException"/>; a worker reports them by its exit code.</summary>
    public static bool IsLibtorchFailure(Exception e) => e is ExternalException or LibtorchFailureException;

    /// <summary>The first line of libtorch's message (the rest is its C++ stack).</summary>
    public static string CliMessage(Exception e) =>
        e.Message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? e.GetType().Name;
}

/// <summary>A worker process stopped because libtorch failed (<see cref="TrainerProcess.LibtorchFailureExitCode"/>).</summary>
internal sealed class LibtorchFailureException(string message) : Exception(message);
