using CleanWallet.Application.Orders;
using CleanWallet.Application.Orders.Fulfilment;
using CleanWallet.Infrastructure.Fulfilment;
using CleanWallet.Infrastructure.Persistence.Stores;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// In the root namespace, like AddInfrastructure, so the one line that calls it needs no using.
namespace CleanWallet.Infrastructure;

public static class OrdersRegistration
{
    /// <summary>Orders: their store and settings (validated at start), the fulfilment service (HTTP or simulated).</summary>
    public static IServiceCollection AddOrders(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<IOrderStore, OrderStore>();
        var fulfilment = configuration.GetSection("Fulfilment").Get<FulfilmentOptions>() ?? new FulfilmentOptions();
        services.AddOptions<OrderOptions>().Bind(configuration.GetSection("Orders"))
            .Validate(o => o.Problem() is null, "Orders settings: Orders:HoldExpiryMinutes must be greater than Orders:FulfilmentDeadlineMinutes " +
                                                "(both positive) and the cancellation window not negative.")
            .ValidateOnStart();
        services.AddOptions<FulfilmentRecoveryOptions>().Bind(configuration.GetSection("Fulfilment"))
            .Validate(o => o.LeaseSeconds > 0 && TimeSpan.FromSeconds(o.LeaseSeconds) > fulfilment.LongestCall,
                $"Fulfilment:LeaseSeconds must be longer than one whole fulfilment call with its retries ({fulfilment.LongestCall.TotalSeconds:0.#} s).")
            .Validate(o => o.RecoverAfterSeconds >= 0 && o.RecoveryBatchSize > 0,
                "Fulfilment:RecoverAfterSeconds must not be negative and Fulfilment:RecoveryBatchSize must be positive.")
            .ValidateOnStart();

        services.AddSingleton(fulfilment);
        if (string.IsNullOrWhiteSpace(fulfilment.BaseUrl))
            services.AddSingleton<IFulfilmentService, SimulatedFulfilmentService>();
        else
            services.AddSingleton<IFulfilmentService>(provider => new HttpFulfilmentService(
                new HttpClient { BaseAddress = new Uri(fulfilment.BaseUrl.TrimEnd('/') + "/"), Timeout = Timeout.InfiniteTimeSpan },
                fulfilment, provider.GetRequiredService<ILogger<HttpFulfilmentService>>()));

        // Recovery runs as the clustered order-recovery job (SchedulingRegistration), not a per-node timer.
        return services;
    }
}
