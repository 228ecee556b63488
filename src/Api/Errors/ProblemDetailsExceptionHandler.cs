using EmotionRecognition.Application.Abstractions;
using EmotionRecognition.Application.Audio;
using FluentValidation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace EmotionRecognition.Api.Errors;

/// <summary>
/// The one place exceptions become RFC 9457 problem details (application/problem+json). Bad input is
/// always a 4xx that says what to fix; anything not listed here is a server fault and stays a logged 500.
/// </summary>
internal sealed class ProblemDetailsExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        ProblemDetails? problem = exception switch
        {
            ValidationException invalid => new HttpValidationProblemDetails(ErrorsByField(invalid))
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request is invalid.",
                Detail = string.Join(" ", invalid.Errors.Select(e => e.ErrorMessage).Distinct().Take(5)),
            },
            // Kestrel's and ours: 413 body too large, 415 content type, 400 truncated body.
            BadHttpRequestException badRequest => Problem(badRequest.StatusCode, TitleOf(badRequest.StatusCode), badRequest.Message),
            InvalidAudioException audio => Problem(StatusCodes.Status422UnprocessableEntity, "The audio could not be read.", audio.Message),
            ModelsUnavailableException unavailable => Problem(StatusCodes.Status503ServiceUnavailable, "No models are loaded.", unavailable.Message),
            NetworkNotAvailableException notServed => Problem(StatusCodes.Status404NotFound, "The model set serves no such network.", notServed.Message),
            _ => null,
        };
        if (problem is null)
        {
            return false;
        }
        context.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    /// <summary>The RFC 9457 <c>errors</c> extension: field as the client wrote it (<c>mfccs[3]</c>) to messages.</summary>
    private static Dictionary<string, string[]> ErrorsByField(ValidationException invalid) =>
        invalid.Errors
            .GroupBy(e => e.PropertyName)
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).ToArray());

    private static ProblemDetails Problem(int status, string title, string detail) =>
        new() { Status = status, Title = title, Detail = detail };

    private static string TitleOf(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
        StatusCodes.Status415UnsupportedMediaType => "The Content-Type is not supported.",
        _ => "The request could not be read.",
    };
}
