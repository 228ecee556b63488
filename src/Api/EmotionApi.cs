using EmotionRecognition.Api.Binding;
using EmotionRecognition.Api.Contracts;
using EmotionRecognition.Api.Health;
using EmotionRecognition.Application.UseCases;
using EmotionRecognition.Domain;
using Mediator;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.HttpResults;
using Scalar.AspNetCore;

namespace EmotionRecognition.Api;

/// <summary>The routes. Each endpoint turns HTTP into one mediator message and its answer into a contract.</summary>
public static class EmotionApi
{
    public static IEndpointRouteBuilder MapEmotionApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/prediction/{networkType}", Predict)
            .WithName("Predict")
            .WithSummary("Emotion probabilities for one MFCC vector or one WAV file")
            .WithDescription("Body: application/json {\"mfccs\":[25 numbers]}, a WAV file (audio/wav, audio/x-wav), or multipart/form-data with one WAV file part. networkType: CNN or DNN (either body), or CRNN (audio only; an MFCC vector gets 400), any case.")
            .DocumentsMfccsOrAudioBody()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapPost("/prediction/{networkType}/batch", PredictMany)
            .WithName("PredictBatch")
            .WithSummary("Emotion probabilities for many MFCC vectors, in request order")
            .DocumentsJsonBody<BatchPredictionRequest>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/init/configuration", Configuration).WithName("GetConfiguration").WithSummary("The MFCC count the served models take")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/configuration/init", Configuration).WithName("GetConfigurationAlias").WithSummary("Alias of /init/configuration")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/models", Models).WithName("ListModels").WithSummary("The served model set: per network its feature profile, labels and metrics")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    /// <summary>Health probes, the OpenAPI document with its Scalar reference, and Prometheus metrics.</summary>
    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ModelsHealthCheck.ReadyTag),
            ResponseWriter = ModelsHealthCheck.WriteAsync,
        });
        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapPrometheusScrapingEndpoint();
        return app;
    }

    private static async Task<Ok<PredictionResponse>> Predict(NetworkName networkType, PredictionInput input, IMediator mediator, CancellationToken ct)
    {
        var predictions = input.Wav is { } wav
            ? await mediator.Send(new PredictFromAudio(networkType, wav), ct)
            : await mediator.Send(new PredictEmotion(networkType, input.Mfccs), ct);
        return TypedResults.Ok(PredictionResponse.From(predictions));
    }

    private static async Task<Ok<BatchPredictionResponse>> PredictMany(NetworkName networkType, BatchInput input, IMediator mediator, CancellationToken ct)
    {
        var predictions = await mediator.Send(new PredictBatch(networkType, input.Items), ct);
        return TypedResults.Ok(BatchPredictionResponse.From(predictions));
    }

    private static async Task<Ok<ConfigurationResponse>> Configuration(IMediator mediator, CancellationToken ct)
    {
        var profile = await mediator.Send(new GetConfiguration(), ct);
        return TypedResults.Ok(new ConfigurationResponse(profile.CoefficientCount));
    }

    private static async Task<Ok<ModelsResponse>> Models(IMediator mediator, CancellationToken ct)
    {
        var catalog = await mediator.Send(new ListModels(), ct);
        return TypedResults.Ok(ModelsResponse.From(catalog));
    }
}
