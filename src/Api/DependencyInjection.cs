using EmotionRecognition.Api.Binding;
using EmotionRecognition.Api.Contracts;
using EmotionRecognition.Api.Errors;
using EmotionRecognition.Api.Health;
using EmotionRecognition.Application.UseCases;
using OpenTelemetry.Metrics;

namespace EmotionRecognition.Api;

public static class DependencyInjection
{
    /// <summary>HTTP concerns: mediator, JSON contracts, problem details, health, OpenAPI and metrics.</summary>
    public static IServiceCollection AddApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMediator(options =>
        {
            options.Namespace = "EmotionRecognition.Api.Mediator";
            options.ServiceLifetime = ServiceLifetime.Singleton;
            options.Assemblies = [typeof(PredictEmotion)];
        });
        services.Configure<BodyLimits>(configuration.GetSection(BodyLimits.Section));
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default));

        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();

        services.AddHealthChecks().AddCheck<ModelsHealthCheck>("models", tags: [ModelsHealthCheck.ReadyTag]);
        services.AddOpenApi();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddMeter(PredictionMetrics.MeterName)
            .AddPrometheusExporter());
        return services;
    }

    /// <summary>
    /// Listens on http://localhost:8080, the original service's base URL, unless the address is
    /// configured: <c>--urls</c>, ASPNETCORE_URLS, (ASPNETCORE_)HTTP_PORTS as the aspnet container image
    /// sets it, or Kestrel endpoints. (A "urls" key in appsettings.json would beat ASPNETCORE_URLS, so
    /// the default lives here.)
    /// </summary>
    public static WebApplicationBuilder ListenOnOriginalUrlByDefault(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        bool configured = configuration["urls"] is not null
            || configuration["http_ports"] is not null
            || configuration["https_ports"] is not null
            || configuration.GetSection("Kestrel:Endpoints").Exists();
        if (!configured)
        {
            builder.WebHost.UseUrls("http://localhost:8080");
        }
        return builder;
    }

    /// <summary>The options of the prediction use cases, from configuration section <c>Prediction</c>.</summary>
    public static PredictionOptions GetPredictionOptions(this IConfiguration configuration) =>
        configuration.GetSection(PredictionOptions.Section).Get<PredictionOptions>() ?? new PredictionOptions();
}
