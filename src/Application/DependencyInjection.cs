using System.Reflection;
using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Behaviours;
using FluentValidation;
using MediatR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CleanWallet.Application;

public static class DependencyInjection
{
    /// <summary>
    /// MediatR 5 has no DI package, so handlers and behaviours are registered here by hand; validators by FluentValidation's scan.
    /// Behaviours run in registration order, outermost first: logging → validation → transaction → idempotency.
    /// </summary>
    public static IServiceCollection AddApplication(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<MoneyOptions>(configuration.GetSection("Money"));
        services.Configure<TransactionOptions>(configuration.GetSection("Transactions"));
        services.Configure<LimitOptions>(configuration.GetSection("Limits"));
        services.Configure<Housekeeping.HousekeepingOptions>(configuration.GetSection("Housekeeping"));
        services.Configure<Holds.HoldOptions>(configuration.GetSection("Holds"));
        services.Configure<Vms.VmOptions>(configuration.GetSection("Vms"));
        services.AddSingleton<Vms.VmCatalog>();
        services.AddScoped<Audit.AuditLog>();
        services.AddScoped<TransactionLimits>();
        services.AddSingleton(TimeProvider.System);

        services.AddScoped<ServiceFactory>(provider => provider.GetService!);
        services.AddScoped<IMediator, Mediator>();

        services.AddScoped(typeof(IPipelineBehavior<,>), typeof(LoggingBehaviour<,>));
        services.AddScoped(typeof(IPipelineBehavior<,>), typeof(ValidationBehaviour<,>));
        services.AddSingleton<WalletQueues>();
        services.AddScoped(typeof(IPipelineBehavior<,>), typeof(WalletQueueBehaviour<,>));
        services.AddScoped(typeof(IPipelineBehavior<,>), typeof(TransactionBehaviour<,>));
        services.AddScoped(typeof(IPipelineBehavior<,>), typeof(IdempotencyBehaviour<,>));

        var assembly = Assembly.GetExecutingAssembly();
        // Validators: FluentValidation's own scan (FluentValidation.DependencyInjectionExtensions). A validator builds its
        // rules in its constructor, so it is built once (singleton), unless it reads the request's caller.
        services.AddValidatorsFromAssembly(assembly, ServiceLifetime.Singleton, filter: v => !ReadsTheCaller(v.ValidatorType));
        services.AddValidatorsFromAssembly(assembly, ServiceLifetime.Scoped, filter: v => ReadsTheCaller(v.ValidatorType));
        // Handlers: MediatR 5 has no DI package, so they are found here.
        foreach (var type in assembly.GetTypes().Where(t => t is { IsAbstract: false, IsGenericTypeDefinition: false }))
        {
            foreach (var contract in type.GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IRequestHandler<,>)))
                services.AddScoped(contract, type);
        }

        return services;
    }

    private static bool ReadsTheCaller(Type validatorType) =>
        validatorType.GetConstructors().Any(c => c.GetParameters().Any(p => p.ParameterType == typeof(Common.Security.ICallerContext)));
}
