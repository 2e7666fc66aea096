using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CleanWallet.Api.Tests.Infrastructure;

/// <summary>The real API on Kestrel over loopback HTTP, against the test database.</summary>
public sealed class ApiFactory(string connectionString, Action<IServiceCollection>? configureServices = null,
    IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    public const string AdminKey = "test-admin-key-0123456789";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Wallet", connectionString);
        builder.UseSetting("Auth:BootstrapAdminKey", AdminKey);
        // Tests fire hundreds of requests with one key; the rate limit has its own tests.
        builder.UseSetting("RateLimiting:PermitsPerMinute", "1000000");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            builder.UseSetting(key, value);
        if (configureServices is not null)
            builder.ConfigureTestServices(configureServices);
    }

    /// <summary>
    /// A client like <see cref="WebApplicationFactory{TEntryPoint}.CreateClient()"/> (redirects followed, cookies kept) whose every
    /// API answer is checked against the published OpenAPI document (<see cref="ContractValidatingHandler"/>).
    /// </summary>
    public new HttpClient CreateClient() =>
        CreateDefaultClient(ClientOptions.BaseAddress, new RedirectHandler(ClientOptions.MaxAutomaticRedirections), new CookieContainerHandler(),
            new ContractValidatingHandler());

    public static ApiFactory StartOnKestrel(string connectionString, Action<IServiceCollection>? configureServices = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var factory = new ApiFactory(connectionString, configureServices, settings);
        factory.UseKestrel(0);
        factory.StartServer();
        return factory;
    }
}
