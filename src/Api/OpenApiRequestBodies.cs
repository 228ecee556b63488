using EmotionRecognition.Api.Contracts;
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
            var wav = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } };
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = "The MFCC vector as JSON, or a WAV file as the body or as the one file part of a form.",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(PredictionRequest), null, ct) },
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
