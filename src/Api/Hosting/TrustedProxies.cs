using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace CleanWallet.Api.Hosting;

/// <summary>
/// Behind a reverse proxy the TCP peer is the proxy: its <c>X-Forwarded-For</c> names the real client (for the
/// per-client rate limit and the logs) and its <c>X-Forwarded-Proto</c> the scheme the client used (for the dashboard
/// cookie's <c>Secure</c> flag). Those headers are honoured only when the peer is a configured known proxy or lies in a
/// known network; anyone else could write them, so by default (nothing configured) they are ignored altogether.
/// </summary>
public static class TrustedProxies
{
    public static IServiceCollection AddTrustedForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(ForwardedHeadersSettings.Section).Get<ForwardedHeadersSettings>() ?? new ForwardedHeadersSettings();
        // Parsed here, so a typo in the configuration stops the start instead of silently trusting nobody (or everybody).
        var proxies = Entries(settings.KnownProxies).Select(entry => IPAddress.TryParse(entry, out var address)
            ? address
            : throw new InvalidOperationException($"{ForwardedHeadersSettings.Section}:KnownProxies: '{entry}' is not an IP address.")).ToList();
        var networks = Entries(settings.KnownNetworks).Select(entry => System.Net.IPNetwork.TryParse(entry, out var network)
            ? network
            : throw new InvalidOperationException($"{ForwardedHeadersSettings.Section}:KnownNetworks: '{entry}' is not a CIDR network such as 10.0.0.0/24.")).ToList();

        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor
                | ForwardedHeaders.XForwardedProto;
            // The framework's defaults trust loopback; only what is configured is trusted here.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in proxies)
                options.KnownProxies.Add(proxy);
            foreach (var network in networks)
                options.KnownIPNetworks.Add(network);
            // No fixed hop count: entries are taken from the right for as long as the hop that wrote them is itself a
            // known proxy, so a chain of known proxies works and a client's own X-Forwarded-For entries are never reached.
            options.ForwardLimit = null;
        });
        return services;
    }

    /// <summary>
    /// Applies forwarded headers from known proxies. With none configured the middleware is not added at all: given
    /// empty lists it would trust every peer.
    /// </summary>
    public static IApplicationBuilder UseTrustedForwardedHeaders(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;
        return options.KnownProxies.Count == 0 && options.KnownIPNetworks.Count == 0
            ? app
            : app.UseForwardedHeaders();
    }

    private static IEnumerable<string> Entries(IEnumerable<string> values) =>
        values.SelectMany(value => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
