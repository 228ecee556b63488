using FluentValidation;
using FluentValidation.Results;
using Mediator;

namespace EmotionRecognition.Application.Behaviors;

/// <summary>
/// Validates every message once, before its handler runs, and fails with one exception type
/// (<see cref="ValidationException"/>) carrying every failure, so the Api maps all of them in one place.
/// </summary>
public sealed class ValidationBehavior<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    // Resolved once: with the singleton lifetime the behavior lives as long as the mediator.
    private readonly IValidator<TMessage>[] _validators = validators.ToArray();

    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken ct)
    {
        List<ValidationFailure>? failures = null;
        foreach (var validator in _validators)
        {
            var result = validator.Validate(message);
            if (!result.IsValid)
            {
                (failures ??= []).AddRange(result.Errors);
            }
        }
        if (failures is not null)
        {
            throw new ValidationException(failures);
        }
        return next(message, ct);
    }
}
