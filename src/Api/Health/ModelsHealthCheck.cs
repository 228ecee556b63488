using System.Text.Json;
using EmotionRecognition.Api.Contracts;
using EmotionRecognition.Application.Abstractions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EmotionRecognition.Api.Health;

/// <summary>Ready only while a model set is loaded; unhealthy with the loader's reason otherwise.</summary>
internal sealed class ModelsHealthCheck(IEmotionClassifier classifier) : IHealthCheck
{
    public const string ReadyTag = "ready";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct) =>
        Task.FromResult(classifier.UnavailableReason is { } reason
            ? HealthCheckResult.Unhealthy(reason)
            : HealthCheckResult.Healthy($"Serving model set {classifier.Current.Id}."));

    /// <summary>Writes <c>{"status":"…","detail":"…"}</c> so an operator sees why the pod is not ready.</summary>
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var detail = string.Join(" ", report.Entries.Values.Select(e => e.Description).Where(d => !string.IsNullOrEmpty(d)));
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body,
            new HealthReportResponse(report.Status.ToString(), detail), ApiJsonContext.Default.HealthReportResponse, context.RequestAborted);
    }
}
