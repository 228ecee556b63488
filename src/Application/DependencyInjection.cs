using EmotionRecognition.Application.Behaviors;
using EmotionRecognition.Application.UseCases;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace EmotionRecognition.Application;

public static class DependencyInjection
{
    /// <summary>
    /// Validators, the validation pipeline and the services the handlers share. The handlers themselves
    /// are registered by the Mediator source generator's <c>AddMediator</c> in the host project.
    /// </summary>
    public static IServiceCollection AddApplication(this IServiceCollection services, PredictionOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<PredictionMetrics>();
        services.AddValidatorsFromAssemblyContaining<PredictEmotionValidator>(ServiceLifetime.Singleton, includeInternalTypes: false);
        services.AddSingleton(typeof(IPipelineBehavior<,>), typeof(ValidationBehavior<,>));
        return services;
    }
}
