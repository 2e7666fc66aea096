using CleanWallet.Application.ApiKeys;

namespace CleanWallet.Api.Security;

public static class ApiKeyCaching
{
    /// <summary>
    /// Puts <see cref="ApiKeyCache"/> in front of the registered <see cref="IApiKeyStore"/> (call after the
    /// infrastructure registered it), with the revocation announcer and listener.
    /// </summary>
    public static IServiceCollection AddApiKeyCache(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ApiKeyCacheOptions>(configuration.GetSection("ApiKeyCache"));
        services.AddSingleton<ApiKeyCache>();
        services.AddHostedService<ApiKeyRevocationListener>();

        var store = services.Last(d => d.ServiceType == typeof(IApiKeyStore));
        var implementation = store.ImplementationType
                             ?? throw new InvalidOperationException("IApiKeyStore must be registered by type to be cached.");
        // Built once: no reflection per request.
        var create = ActivatorUtilities.CreateFactory(implementation, Type.EmptyTypes);
        services.Remove(store);
        services.Add(ServiceDescriptor.Describe(typeof(IApiKeyStore),
            provider => new CachingApiKeyStore(() => (IApiKeyStore)create(provider, null), provider.GetRequiredService<ApiKeyCache>()),
            store.Lifetime));
        return services;
    }
}
