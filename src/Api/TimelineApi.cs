using System.Reflection;
using System.Text.Json.Nodes;
using EmotionRecognition.Api.Binding;
using EmotionRecognition.Api.Contracts;
using EmotionRecognition.Api.Streaming;
using EmotionRecognition.Application.Timeline;
using EmotionRecognition.Application.UseCases;
using EmotionRecognition.Domain;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;

namespace EmotionRecognition.Api;

/// <summary>The timeline routes: a whole recording's emotions over time.</summary>
public static class TimelineApi
{
    /// <summary>Segmentation settings and limits (configuration sections <c>Timeline</c> and <c>Streaming</c>).</summary>
    public static IServiceCollection AddTimeline(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection(SegmentationOptions.Section).Get<SegmentationOptions>() ?? new SegmentationOptions());
        services.Configure<StreamLimits>(configuration.GetSection(StreamLimits.Section));
        services.AddSingleton<StreamSlots>();
        return services;
    }

    /// <summary>WebSocket upgrades for <c>/stream</c>, with pings so idle proxies keep the connection.</summary>
    public static IApplicationBuilder UseTimelineStreaming(this IApplicationBuilder app) =>
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(15) });

    public static IEndpointRouteBuilder MapTimelineApi(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<SegmentationOptions>();
        app.MapPost("/prediction/{networkType}/timeline", Timeline)
            .WithName("PredictTimeline")
            .WithSummary("Emotions over time: a recording cut into speech segments, each classified")
            .WithDescription(
                "Body: a WAV file (audio/wav, audio/x-wav) or multipart/form-data with one file part, up to Timeline:MaxRecordingSeconds " +
                "(default 600 s) and Limits:TimelineAudioBytes. Speech is found with Silero VAD and cut at pauses into segments of 1 to 8 s " +
                "(longer speech into 8-s pieces overlapping by 1 s); silence and non-speech get no segment. Each segment is classified by " +
                "networkType (CNN, DNN: the segment's mean MFCCs; CRNN: the segment's log-mel sequence). summary: the duration-weighted " +
                "mean of the segments, empty when there is no speech. Times are seconds from the start of the recording.")
            .DocumentsTimelineBodyAndAnswer()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithRequestTimeout(new RequestTimeoutPolicy
            {
                Timeout = TimeSpan.FromSeconds(options.RequestTimeoutSeconds),
                TimeoutStatusCode = StatusCodes.Status408RequestTimeout,
            });
        app.MapGet("/stream/{networkType}", TimelineStreamEndpoint.HandleAsync)
            .WithName("StreamTimeline")
            .WithSummary("Live emotions over a WebSocket")
            .WithDescription(
                "Upgrade to a WebSocket; give the sample rate as ?sampleRate=N or as a first text message {\"sampleRate\":N}; then send " +
                "16-bit little-endian mono PCM as binary messages (at most Streaming:MaxMessageBytes each). The server answers JSON text " +
                "messages: {\"type\":\"ready\"}, then {\"type\":\"segment\",\"start\",\"end\",\"results\"} as each speech segment ends and " +
                "{\"type\":\"partial\",...} at least every 2 s during speech; send {\"type\":\"end\"} (or close) to get the last segments and " +
                "{\"type\":\"end\",\"duration\",\"segments\",\"summary\"}. Close codes: 1000 done, 1003 wrong message kind, 1007 malformed " +
                "payload, 1008 bad sample rate or network or idle (Streaming:IdleTimeoutSeconds), 1009 message too big, 1011 server fault.")
            .DisableRequestTimeout()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<Ok<TimelineResponse>> Timeline(NetworkName networkType, TimelineInput input, IMediator mediator, CancellationToken ct)
    {
        var timeline = await mediator.Send(new PredictTimeline(networkType, input.Audio), ct);
        return TypedResults.Ok(TimelineResponse.From(timeline));
    }

    private static RouteHandlerBuilder DocumentsTimelineBodyAndAnswer(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer((operation, context, ct) =>
        {
            var wav = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } };
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = "The recording: a WAV file as the body, or as the one file part of a form.",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["audio/wav"] = wav,
                    ["audio/x-wav"] = wav,
                    ["multipart/form-data"] = new()
                    {
                        Schema = new OpenApiSchema
                        {
                            Type = JsonSchemaType.Object,
                            Properties = new Dictionary<string, IOpenApiSchema> { ["file"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
                        },
                    },
                },
            };
            if (operation.Responses?.TryGetValue("200", out var ok) == true && ok.Content?.TryGetValue("application/json", out var json) == true)
            {
                json.Example = JsonNode.Parse(ExampleAnswer);
            }
            return Task.CompletedTask;
        });

    /// <summary>Two segments of a recording with a pause between them (numbers shortened from a real answer).</summary>
    private const string ExampleAnswer = """
        {"duration":9.5,
         "segments":[
          {"start":0.896,"end":3.520,"results":[
            {"emotionType":"angry","prediction":0.61},{"emotionType":"calm","prediction":0.01},{"emotionType":"disgust","prediction":0.09},
            {"emotionType":"fearful","prediction":0.05},{"emotionType":"happy","prediction":0.12},{"emotionType":"neutral","prediction":0.01},
            {"emotionType":"sad","prediction":0.02},{"emotionType":"surprised","prediction":0.09}]},
          {"start":4.800,"end":7.904,"results":[
            {"emotionType":"angry","prediction":0.02},{"emotionType":"calm","prediction":0.30},{"emotionType":"disgust","prediction":0.04},
            {"emotionType":"fearful","prediction":0.03},{"emotionType":"happy","prediction":0.02},{"emotionType":"neutral","prediction":0.21},
            {"emotionType":"sad","prediction":0.36},{"emotionType":"surprised","prediction":0.02}]}],
         "summary":{"results":[
            {"emotionType":"angry","prediction":0.30},{"emotionType":"calm","prediction":0.16},{"emotionType":"disgust","prediction":0.06},
            {"emotionType":"fearful","prediction":0.04},{"emotionType":"happy","prediction":0.07},{"emotionType":"neutral","prediction":0.11},
            {"emotionType":"sad","prediction":0.20},{"emotionType":"surprised","prediction":0.05}]}}
        """;
}

/// <summary>The body of <c>POST /prediction/{networkType}/timeline</c>: a WAV body or a form with one file part.</summary>
public sealed record TimelineInput(byte[] Audio)
{
    public static async ValueTask<TimelineInput> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        var limits = context.RequestServices.GetRequiredService<IOptions<BodyLimits>>().Value;
        var request = context.Request;
        if (MediaTypeHeaderValue.TryParse(request.ContentType, out var media))
        {
            if (PredictionInput.AudioMediaTypes.Contains(media.MediaType.Value, StringComparer.OrdinalIgnoreCase))
                return new(await RequestBody.ReadBytesAsync(context, limits.TimelineAudioBytes));
            if (media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
                return new(await PredictionInput.ReadSingleFileAsync(context, limits.TimelineAudioBytes));
        }
        throw new BadHttpRequestException(
            $"Content-Type '{request.ContentType}' is not supported here; send an audio body ({string.Join(", ", PredictionInput.AudioMediaTypes)}) " +
            "or multipart/form-data (one file part).",
            StatusCodes.Status415UnsupportedMediaType);
    }
}
