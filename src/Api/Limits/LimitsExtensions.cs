using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace EmotionRecognition.Api.Limits;

/// <summary>Wires <see cref="ServerLimits"/> into Kestrel, the request-timeout middleware and the rate limiter.</summary>
public static class LimitsExtensions
{
    /// <summary>Paths that must answer even when the server is saturated: probes and metrics scrapes.</summary>
    private static readonly string[] ExemptPrefixes = ["/health", "/metrics"];

    public static IServiceCollection AddServerLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var limits = configuration.GetSection(ServerLimits.Section).Get<ServerLimits>() ?? new ServerLimits();
        services.AddSingleton(limits);

        services.Configure<KestrelServerOptions>(kestrel =>
        {
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(limits.RequestHeadersTimeoutSeconds);
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(limits.MinRequestBodyBytesPerSecond, gracePeriod: TimeSpan.FromSeconds(5));
        });

        services.AddRequestTimeouts(options => options.DefaultPolicy = new RequestTimeoutPolicy
        {
            Timeout = TimeSpan.FromSeconds(limits.RequestTimeoutSeconds),
            // The body is empty here; UseStatusCodePages turns it into problem details.
            TimeoutStatusCode = StatusCodes.Status408RequestTimeout,
        });

        services.AddRateLimiter(options =>
        {
            options.GlobalLimiter = limits.RateLimit.PermitsPerWindow > 0
                ? PartitionedRateLimiter.CreateChained(Concurrency(limits), PerClient(limits.RateLimit))
                : Concurrency(limits);
            options.OnRejected = WriteRejectionAsync;
        });
        return services;
    }

    /// <summary>Order matters: the limiter refuses before any body is read; timeouts then bound what was admitted.</summary>
    public static IApplicationBuilder UseServerLimits(this IApplicationBuilder app) =>
        app.UseRateLimiter().UseRequestTimeouts();

    private static bool IsExempt(HttpContext context) =>
        ExemptPrefixes.Any(prefix => context.Request.Path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));

    private static PartitionedRateLimiter<HttpContext> Concurrency(ServerLimits limits) =>
        PartitionedRateLimiter.Create<HttpContext, string>(context => IsExempt(context)
            ? RateLimitPartition.GetNoLimiter("exempt")
            : RateLimitPartition.GetConcurrencyLimiter("all", _ => new ConcurrencyLimiterOptions
            {
                PermitLimit = limits.MaxConcurrentRequests,
                QueueLimit = limits.RequestQueueLimit,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            }));

    private static PartitionedRateLimiter<HttpContext> PerClient(ClientRateLimit limit) =>
        PartitionedRateLimiter.Create<HttpContext, string>(context => IsExempt(context)
            ? RateLimitPartition.GetNoLimiter("exempt")
            : RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limit.PermitsPerWindow,
                Window = TimeSpan.FromSeconds(limit.WindowSeconds),
                QueueLimit = 0,
            }));

    /// <summary>
    /// A window limit says when to come back (429 with Retry-After); a full concurrency queue means the
    /// whole server is busy (503). Both as problem details.
    /// </summary>
    private static async ValueTask WriteRejectionAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var context = rejected.HttpContext;
        ProblemDetails problem;
        if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            var seconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                // ASP.NET Core has no default type for 429; RFC 6585 defines the status.
                Type = "https://tools.ietf.org/html/rfc6585#section-4",
                Title = "Too many requests from this client.",
                Detail = $"This client has used its requests for this window; retry in {seconds} s.",
            };
        }
        else
        {
            context.Response.Headers.RetryAfter = "1";
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The server is busy.",
                Detail = "Every request slot and the queue behind them are taken; retry shortly.",
            };
        }
        context.Response.StatusCode = problem.Status.Value;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = problem,
        });
    }
}
