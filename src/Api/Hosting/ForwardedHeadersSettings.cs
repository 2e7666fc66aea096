namespace CleanWallet.Api.Hosting;

/// <summary>The reverse proxies whose <c>X-Forwarded-For</c>/<c>X-Forwarded-Proto</c> headers are believed.</summary>
public sealed class ForwardedHeadersSettings
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Addresses of trusted proxies, e.g. <c>10.0.0.5</c> (a comma-separated list in one entry works too).</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR form, e.g. <c>10.0.0.0/24</c>.</summary>
    public string[] KnownNetworks { get; set; } = [];
}
