using CleanWallet.Application.Payments.Commands.ReconcileCardPayments;
using CleanWallet.Application.Payments.Gateway;
using CleanWallet.Infrastructure.Payments;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// In the root namespace, like AddInfrastructure, so the one line that calls it needs no using.
namespace CleanWallet.Infrastructure;

public static class CardGatewayRegistration
{
    /// <summary>The card processor (HTTP, or the simulator when <c>CardGateway:BaseUrl</c> is empty) and the reconciliation settings.</summary>
    public static IServiceCollection AddCardGateway(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("CardGateway");
        services.Configure<CardReconciliationOptions>(section);
        var gateway = section.Get<CardGatewayOptions>() ?? new CardGatewayOptions();
        services.AddSingleton(gateway);
        if (string.IsNullOrWhiteSpace(gateway.BaseUrl))
            services.AddSingleton<ICardGateway, SimulatedCardGateway>();
        else
            services.AddSingleton<ICardGateway>(_ => new HttpCardGateway(
                new HttpClient { BaseAddress = new Uri(gateway.BaseUrl.TrimEnd('/') + "/"), Timeout = Timeout.InfiniteTimeSpan }, gateway));
        return services;
    }
}
