using EmotionRecognition.Api.Binding;
using EmotionRecognition.Api.Contracts;
using EmotionRecognition.Application.Audio;
using Microsoft.OpenApi;

namespace EmotionRecognition.Api;

/// <summary>
/// Documents the bodies our binders read. (Accepts() metadata would also document them, but it makes
/// routing answer 415 itself, without saying which types are supported.)
/// </summary>
internal static class OpenApiRequestBodies
{
    public static RouteHandlerBuilder DocumentsMfccsOrAudioBody(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, ct) =>
        {
            var audio = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } };
            var content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(PredictionRequest), null, ct) },
                ["multipart/form-data"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Properties = new Dictionary<string, IOpenApiSchema> { ["file"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
                    },
                },
            };
            foreach (var type in PredictionInput.AudioMediaTypes)
            {
                content[type] = audio;
            }
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = "The MFCC vector as JSON, or an audio file as the body (any of the audio types, or " +
                    "application/octet-stream) or as the one file part of a form. The format is recognised from the bytes: " +
                    AudioFormats.Supported + ". Audio longer than the configured limit (60 s by default) is refused with 422.",
                Content = content,
            };
        });

    public static RouteHandlerBuilder DocumentsJsonBody<T>(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, ct) =>
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(T), null, ct) },
                },
            };
        });
}
