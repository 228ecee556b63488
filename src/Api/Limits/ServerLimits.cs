using EmotionRecognition.Api.Binding;

namespace EmotionRecognition.Api.Limits;

/// <summary>
/// How much traffic the server takes on at once and how long a request may last (configuration section
/// <c>Limits</c>, beside the body sizes of <see cref="BodyLimits"/>). The defaults suit one small instance;
/// every limit is enforced before a request's body is read, so a flood costs little memory.
/// </summary>
public sealed record ServerLimits
{
    public const string Section = BodyLimits.Section;

    /// <summary>
    /// Requests handled at the same time (health and metrics are exempt). With 10 MiB audio bodies this caps
    /// buffered audio near 640 MiB; the inference batcher joins at most 64 inputs per pass anyway.
    /// </summary>
    public int MaxConcurrentRequests { get; init; } = 64;

    /// <summary>Requests that wait (oldest first) for one of those slots; beyond this they get 503 at once.</summary>
    public int RequestQueueLimit { get; init; } = 512;

    /// <summary>Longest a request may take from its headers to its answer (408 after that), slow uploads included.</summary>
    public double RequestTimeoutSeconds { get; init; } = 30;

    /// <summary>Longest a client may take to send its request headers (Kestrel closes the connection after that).</summary>
    public double RequestHeadersTimeoutSeconds { get; init; } = 10;

    /// <summary>
    /// A body that arrives slower than this, averaged after a 5 s grace period, is cut off with 408
    /// (Kestrel's defence against slow-loris uploads; its default is 240 bytes/s).
    /// </summary>
    public double MinRequestBodyBytesPerSecond { get; init; } = 240;

    /// <summary>Per-client rate limit; off unless <see cref="ClientRateLimit.PermitsPerWindow"/> is positive.</summary>
    public ClientRateLimit RateLimit { get; init; } = new();
}

/// <summary>
/// A fixed-window limit per client IP address (ASP.NET Core's rate limiter), answered with 429 and
/// <c>Retry-After</c>. Off by default: behind a proxy every client shares the proxy's address, so turn it
/// on only where the server sees the clients' own addresses (or after UseForwardedHeaders).
/// </summary>
public sealed record ClientRateLimit
{
    /// <summary>Requests one client address may make per window; 0 turns the limit off.</summary>
    public int PermitsPerWindow { get; init; }

    /// <summary>Length of the window in seconds.</summary>
    public double WindowSeconds { get; init; } = 60;
}
