using System.Net;
using System.Text.RegularExpressions;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Http;

/// <summary>
/// The requests of these tests come from 127.0.0.1: configured as a known proxy, they stand for a reverse proxy in
/// front of the API; not configured, for anyone on the internet writing X-Forwarded-* headers themselves.
/// </summary>
public abstract partial class ForwardedHeadersTestBase(TestDatabase database) : ApiTestBase(database)
{
    protected const int Permits = 3;

    protected abstract IReadOnlyDictionary<string, string?> ProxySettings { get; }

    protected override ApiFactory CreateFactory()
    {
        var settings = new Dictionary<string, string?>(ProxySettings)
        {
            ["RateLimiting:PermitsPerMinute"] = Permits.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RateLimiting:WindowSeconds"] = "600",
        };
        return ApiFactory.StartOnKestrel(Database.ConnectionString, settings: settings);
    }

    /// <summary>An anonymous call counted in the caller's per-IP bucket: a 401, or a 429 once the bucket is empty.</summary>
    /// <remarks>
    /// Sent without the contract check: that check fetches /openapi/v1.json once per client, an anonymous request that
    /// the per-IP limiter would count in the very bucket these tests count (401 and 429 answers are checked against the
    /// contract by every other test).
    /// </remarks>
    protected async Task<HttpStatusCode> AnonymousCallAsync(string forwardedFor)
    {
        using var client = Factory.CreateDefaultClient();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/customers");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return (await client.SendAsync(request)).StatusCode;
    }

    protected async Task UseUpTheBucketOfAsync(string forwardedFor)
    {
        for (var i = 0; i < Permits; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, await AnonymousCallAsync(forwardedFor));
        Assert.Equal(HttpStatusCode.TooManyRequests, await AnonymousCallAsync(forwardedFor));
    }

    protected sealed record DashboardLogin(HttpStatusCode Status, string AntiforgeryCookie, string SessionCookie);

    /// <summary>
    /// Logs in to /ops with the admin key as a browser behind the proxy would, every request saying it came from
    /// 203.0.113.50 over <paramref name="forwardedProto"/>. Cookies are carried by hand: a Secure one would not be sent
    /// back over this test's plain HTTP by a cookie container (a browser talks HTTPS to the proxy).
    /// </summary>
    protected async Task<DashboardLogin> LoginThroughProxyAsync(string forwardedProto)
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = Client(apiKey: null).BaseAddress,
        };
        http.DefaultRequestHeaders.Add("X-Forwarded-Proto", forwardedProto);
        http.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.50");

        var page = await http.GetAsync("/ops/login");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var antiforgery = page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        var token = AntiforgeryToken().Match(await page.Content.ReadAsStringAsync());
        Assert.True(token.Success, "the login page has no antiforgery token");

        var post = new HttpRequestMessage(HttpMethod.Post, "/ops/login")
        {
            Content = new FormUrlEncodedContent([
                new("apiKey", ApiFactory.AdminKey),
                new("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value)),
            ]),
        };
        post.Headers.Add("Cookie", antiforgery.Split(';')[0]);
        var login = await http.SendAsync(post);
        var session = login.Headers.TryGetValues("Set-Cookie", out var cookies)
            ? cookies.FirstOrDefault(c => c.StartsWith("cw_ops=", StringComparison.Ordinal)) ?? ""
            : "";
        return new DashboardLogin(login.StatusCode, antiforgery, session);
    }

    /// <summary>Logs in claiming https and returns the session cookie's Set-Cookie.</summary>
    protected async Task<string> LoginClaimingHttpsAsync()
    {
        var login = await LoginThroughProxyAsync("https");
        Assert.Equal(HttpStatusCode.Redirect, login.Status);
        Assert.StartsWith("cw_ops=", login.SessionCookie);
        return login.SessionCookie;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}

public sealed class ForwardedHeadersFromAKnownProxyTests(TestDatabase database) : ForwardedHeadersTestBase(database)
{
    protected override IReadOnlyDictionary<string, string?> ProxySettings => new Dictionary<string, string?>
    {
        ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
        ["ForwardedHeaders:KnownNetworks:0"] = "::1/128",
    };

    [Fact]
    public async Task Two_clients_behind_a_known_proxy_get_separate_rate_limit_buckets()
    {
        await UseUpTheBucketOfAsync("203.0.113.10");

        Assert.Equal(HttpStatusCode.Unauthorized, await AnonymousCallAsync("203.0.113.20"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await AnonymousCallAsync("203.0.113.10"));
    }

    [Fact]
    public async Task A_client_cannot_borrow_another_clients_address_by_writing_x_forwarded_for_itself()
    {
        await UseUpTheBucketOfAsync("203.0.113.10");

        // The client wrote "198.51.100.1"; the proxy appended the address it really came from. Only the proxy's entry counts.
        Assert.Equal(HttpStatusCode.TooManyRequests, await AnonymousCallAsync("198.51.100.1, 203.0.113.10"));
        Assert.Equal(HttpStatusCode.Unauthorized, await AnonymousCallAsync("203.0.113.10, 198.51.100.2"));
    }

    [Fact]
    public async Task The_dashboard_cookies_are_secure_when_the_proxy_says_the_client_used_https()
    {
        var login = await LoginThroughProxyAsync("https");

        Assert.Equal(HttpStatusCode.Redirect, login.Status);
        Assert.Contains("; secure", login.SessionCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; httponly", login.SessionCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; samesite=strict", login.SessionCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; secure", login.AntiforgeryCookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_dashboard_cookies_are_not_secure_when_the_proxy_says_the_client_used_plain_http()
    {
        var login = await LoginThroughProxyAsync("http");

        Assert.Equal(HttpStatusCode.Redirect, login.Status);
        Assert.StartsWith("cw_ops=", login.SessionCookie);
        Assert.DoesNotContain("secure", login.SessionCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", login.AntiforgeryCookie, StringComparison.OrdinalIgnoreCase);
    }
}

public sealed class ForwardedHeadersFromAnUnknownSourceTests(TestDatabase database) : ForwardedHeadersTestBase(database)
{
    // Nothing configured: the default of appsettings.json.
    protected override IReadOnlyDictionary<string, string?> ProxySettings => new Dictionary<string, string?>();

    [Fact]
    public async Task Without_known_proxies_x_forwarded_for_is_ignored_and_callers_share_the_bucket_of_their_real_address()
    {
        await UseUpTheBucketOfAsync("203.0.113.10");

        Assert.Equal(HttpStatusCode.TooManyRequests, await AnonymousCallAsync("203.0.113.20"));
    }

    [Fact]
    public async Task Without_known_proxies_x_forwarded_proto_https_does_not_make_the_dashboard_cookie_secure()
    {
        var cookie = await LoginClaimingHttpsAsync();

        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }
}

public sealed class ForwardedHeadersFromAPeerOutsideTheKnownNetworksTests(TestDatabase database) : ForwardedHeadersTestBase(database)
{
    protected override IReadOnlyDictionary<string, string?> ProxySettings => new Dictionary<string, string?>
    {
        ["ForwardedHeaders:KnownProxies:0"] = "10.20.30.40",
        ["ForwardedHeaders:KnownNetworks:0"] = "192.168.0.0/16, fd00::/8",
    };

    [Fact]
    public async Task X_forwarded_for_from_a_peer_that_is_not_a_configured_proxy_is_ignored()
    {
        await UseUpTheBucketOfAsync("203.0.113.10");

        Assert.Equal(HttpStatusCode.TooManyRequests, await AnonymousCallAsync("203.0.113.20"));
    }

    [Fact]
    public async Task X_forwarded_proto_from_a_peer_that_is_not_a_configured_proxy_is_ignored()
    {
        Assert.DoesNotContain("secure", await LoginClaimingHttpsAsync(), StringComparison.OrdinalIgnoreCase);
    }
}

public sealed class ForwardedHeadersSettingsTests(TestDatabase database) : ApiTestBase(database)
{
    [Theory]
    [InlineData("ForwardedHeaders:KnownProxies:0", "proxy.internal")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.0")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.0/33")]
    public void A_known_proxy_or_network_that_does_not_parse_stops_the_start_instead_of_trusting_nobody_silently(string key, string value)
    {
        var failure = Assert.ThrowsAny<Exception>(() =>
        {
            using var node = ApiFactory.StartOnKestrel(Database.ConnectionString, settings: new Dictionary<string, string?> { [key] = value });
        });

        Assert.Contains($"'{value}'", failure.GetBaseException().Message);
    }
}
