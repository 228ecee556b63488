using System.Reflection;
using EmotionRecognition.Api.Contracts;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace EmotionRecognition.Api.Binding;

/// <summary>
/// The body of <c>POST /prediction/{networkType}</c>, chosen by Content-Type: a JSON MFCC vector
/// (application/json, or no Content-Type as older scripts send), a WAV file as the raw body
/// (audio/wav, audio/x-wav, audio/wave, audio/vnd.wave), or a multipart form with one file part.
/// Anything else is 415.
/// </summary>
/// <param name="Mfccs">The JSON vector when the body was JSON (null if the JSON had none: the validator says so).</param>
/// <param name="Wav">The WAV bytes when the body was audio.</param>
public sealed record PredictionInput(float[]? Mfccs, byte[]? Wav)
{
    internal static readonly string[] WavMediaTypes = ["audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"];

    public static async ValueTask<PredictionInput> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        var limits = context.RequestServices.GetRequiredService<IOptions<BodyLimits>>().Value;
        return KindOf(context.Request) switch
        {
            BodyKind.Json => new((await RequestBody.ReadJsonAsync(context, limits.JsonBytes, ApiJsonContext.Default.PredictionRequest))?.Mfccs, null),
            BodyKind.Wav => new(null, await RequestBody.ReadBytesAsync(context, limits.AudioBytes)),
            _ => new(null, await ReadSingleFileAsync(context, limits.AudioBytes)),
        };
    }

    private enum BodyKind
    {
        Json,
        Wav,
        Multipart,
    }

    private static BodyKind KindOf(HttpRequest request)
    {
        if (string.IsNullOrEmpty(request.ContentType) || request.HasJsonContentType())
        {
            return BodyKind.Json;
        }
        if (MediaTypeHeaderValue.TryParse(request.ContentType, out var media))
        {
            if (WavMediaTypes.Contains(media.MediaType.Value, StringComparer.OrdinalIgnoreCase))
            {
                return BodyKind.Wav;
            }
            if (media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            {
                return BodyKind.Multipart;
            }
        }
        throw UnsupportedMediaType(request.ContentType);
    }

    /// <summary>
    /// The one file part of a multipart form (other, non-file fields are ignored). The whole form is
    /// buffered under the audio limit first, so a form can never hold more than that in memory.
    /// </summary>
    internal static async ValueTask<byte[]> ReadSingleFileAsync(HttpContext context, long maxBytes)
    {
        var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(context.Request.ContentType).Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
        {
            throw Invalid("The multipart/form-data Content-Type has no boundary.");
        }
        var form = await RequestBody.ReadBytesAsync(context, maxBytes);
        try
        {
            return await ReadSingleFileAsync(new MultipartReader(boundary, new MemoryStream(form, writable: false)), context.RequestAborted);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            // The form is already in memory, so these are its own faults (it ends before its closing
            // boundary, or a part header is over MultipartReader's limits), not the connection's.
            throw Invalid($"The multipart form is malformed: {e.Message}");
        }
    }

    private static async ValueTask<byte[]> ReadSingleFileAsync(MultipartReader reader, CancellationToken ct)
    {
        byte[]? file = null;
        while (await reader.ReadNextSectionAsync(ct) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition())
            {
                continue;
            }
            if (file is not null)
            {
                throw Invalid("The form holds more than one file; send exactly one WAV file.");
            }
            using var content = new MemoryStream();
            await section.Body.CopyToAsync(content, ct);
            file = content.ToArray();
        }
        return file ?? throw Invalid("The form holds no file; send one WAV file part (e.g. curl -F file=@clip.wav).");
    }

    private static ValidationException Invalid(string message) => new([new ValidationFailure("file", message)]);

    private static BadHttpRequestException UnsupportedMediaType(string? contentType) =>
        new($"Content-Type '{contentType}' is not supported here; send application/json ({{\"mfccs\":[…]}}), " +
            $"{string.Join(", ", WavMediaTypes)} (a WAV body) or multipart/form-data (one WAV file part).",
            StatusCodes.Status415UnsupportedMediaType);
}

/// <summary>The body of <c>POST /prediction/{networkType}/batch</c>: JSON only.</summary>
public sealed record BatchInput(IReadOnlyList<float[]?>? Items)
{
    public static async ValueTask<BatchInput> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        if (!string.IsNullOrEmpty(context.Request.ContentType) && !context.Request.HasJsonContentType())
        {
            throw new BadHttpRequestException(
                $"Content-Type '{context.Request.ContentType}' is not supported here; send application/json ({{\"items\":[{{\"mfccs\":[…]}},…]}}).",
                StatusCodes.Status415UnsupportedMediaType);
        }
        var limits = context.RequestServices.GetRequiredService<IOptions<BodyLimits>>().Value;
        var request = await RequestBody.ReadJsonAsync(context, limits.BatchJsonBytes, ApiJsonContext.Default.BatchPredictionRequest);
        return new(request?.Items?.Select(item => item?.Mfccs).ToArray());
    }
}
