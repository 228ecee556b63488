using Spectre.Console;

namespace EmotionRecognition.Trainer.Cli;

/// <summary>Shows progress of long steps: bars in a terminal, plain lines when output is redirected.</summary>
internal interface IProgressReporter
{
    /// <summary>Runs <paramref name="work"/>, which calls the given callback with the number of items just finished (any thread).</summary>
    void Run(string step, int total, Action<Action<int>> work);

    /// <summary>A one-line status message.</summary>
    void Info(string message);
}

internal static class ProgressReporters
{
    /// <summary>Spectre.Console bars when stdout is an interactive terminal, otherwise plain lines on <paramref name="plain"/>.</summary>
    public static IProgressReporter For(TextWriter plain, bool interactive) =>
        interactive ? new SpectreProgress() : new PlainProgress(plain);
}

/// <summary>Lines like "Features: 600/1200 (50%)", at most one per 10% so logs stay short.</summary>
internal sealed class PlainProgress(TextWriter output) : IProgressReporter
{
    private readonly Lock gate = new();

    public void Run(string step, int total, Action<Action<int>> work)
    {
        int done = 0;
        int lastDecile = -1;
        var started = System.Diagnostics.Stopwatch.StartNew();
        work(n =>
        {
            lock (gate)
            {
                done += n;
                int decile = total == 0 ? 10 : done * 10 / total;
                if (decile != lastDecile)
                {
                    lastDecile = decile;
                    output.WriteLine($"{step}: {done}/{total} ({(total == 0 ? 100 : done * 100 / total)}%)");
                }
            }
        });
        lock (gate)
        {
            output.WriteLine($"{step}: done in {started.Elapsed.TotalSeconds:0.0} s");
        }
    }

    public void Info(string message)
    {
        lock (gate)
        {
            output.WriteLine(message);
        }
    }
}

internal sealed class SpectreProgress : IProgressReporter
{
    public void Run(string step, int total, Action<Action<int>> work) =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(step, maxValue: Math.Max(1, total));
                work(n => task.Increment(n));
                task.Value = task.MaxValue;
            });

    public void Info(string message) => AnsiConsole.MarkupLine(Markup.Escape(message));
}
