using CleanWallet.Application.Billing;
using CleanWallet.Infrastructure.Billing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// In the root namespace, like AddInfrastructure, so the one line that calls it needs no using.
namespace CleanWallet.Infrastructure;

public static class BillingRegistration
{
    /// <summary>The billing run's settings (<c>Billing</c>) and its set-based SQL engine.</summary>
    public static IServiceCollection AddUsageBilling(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<BillingOptions>(configuration.GetSection("Billing"));
        services.AddScoped<IUsageBillingEngine, SqlUsageBillingEngine>();
        return services;
    }
}
