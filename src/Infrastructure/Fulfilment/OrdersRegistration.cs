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
    /// <summary>Orders: their store and settings, the fulfilment service (HTTP or simulated) and the recovery step.</summary>
    public static IServiceCollection AddOrders(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<IOrderStore, OrderStore>();
        services.Configure<OrderOptions>(configuration.GetSection("Orders"));
        services.Configure<FulfilmentRecoveryOptions>(configuration.GetSection("Fulfilment"));

        var fulfilment = configuration.GetSection("Fulfilment").Get<FulfilmentOptions>() ?? new FulfilmentOptions();
        services.AddSingleton(fulfilment);
        if (string.IsNullOrWhiteSpace(fulfilment.BaseUrl))
            services.AddSingleton<IFulfilmentService, SimulatedFulfilmentService>();
        else
            services.AddSingleton<IFulfilmentService>(provider => new HttpFulfilmentService(
                new HttpClient { BaseAddress = new Uri(fulfilment.BaseUrl.TrimEnd('/') + "/"), Timeout = Timeout.InfiniteTimeSpan },
                fulfilment, provider.GetRequiredService<ILogger<HttpFulfilmentService>>()));

        services.AddHostedService<OrderRecoveryService>();
        return services;
    }
}
