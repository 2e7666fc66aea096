using System.Net;
using System.Text.RegularExpressions;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Infrastructure.Scheduling;
using Microsoft.Extensions.DependencyInjection;

namespace CleanWallet.Api.Tests.Operations;

/// <summary>The /ops dashboard over plain HTTP: who gets in (cookie only, staff keys only) and what the page shows.</summary>
public sealed partial class OpsDashboardTests(TestDatabase database) : OperationsTestBase(database)
{
    private const string Refused = "That key was not accepted";

    [Fact]
    public async Task Without_a_session_the_dashboard_redirects_to_the_login_form()
    {
        using var dashboard = Dashboard();

        var response = await dashboard.GetAsync("/ops");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/ops/login", response.Headers.Location!.AbsolutePath);
        var login = await dashboard.GetAsync(response.Headers.Location.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal("text/html", login.Content.Headers.ContentType?.MediaType);
        var html = await login.Content.ReadAsStringAsync();
        Assert.Contains("<form method=\"post\"", html);
        Assert.Contains("name=\"apiKey\"", html);
        Assert.Contains("__RequestVerificationToken", html);
    }

    [Fact]
    public async Task The_api_keeps_answering_401_problem_json_and_never_redirects()
    {
        using var dashboard = Dashboard();
        var admin = await dashboard.LoginAsync(ApiFactory.AdminKey);
        Assert.Equal(HttpStatusCode.Redirect, admin.StatusCode);

        // Even a valid dashboard cookie sent to the API (it is scoped to /ops, so browsers would not) is no API credential.
        var request = new HttpRequestMessage(HttpMethod.Get, Jobs);
        request.Headers.Add("Cookie", $"cw_ops={dashboard.SessionCookie!.Value}");
        var response = await dashboard.Http.SendAsync(request);

        await AssertProblem(response, HttpStatusCode.Unauthorized, "unauthorized");
        await AssertProblem(await dashboard.GetAsync("/api/v1/customers"), HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task An_ops_key_logs_in_and_gets_an_http_only_same_site_strict_session_cookie()
    {
        var ops = await CreateStaffKeyAsync("ops");
        using var dashboard = Dashboard();

        var response = await dashboard.LoginAsync(ops.Key);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/ops", response.Headers.Location?.OriginalString);
        var cookie = DashboardSession.SessionCookieHeader(response);
        Assert.NotNull(cookie);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/;", cookie + ";", StringComparison.OrdinalIgnoreCase);
        // Plain HTTP here, so SameAsRequest does not mark it Secure; a session cookie (no Expires), 8 h sliding inside the ticket.
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("expires", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(ops.Key, cookie);

        var page = await dashboard.GetAsync("/ops");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("night shift (ops)", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_bootstrap_admin_key_and_a_stored_admin_key_may_log_in()
    {
        var admin = await CreateStaffKeyAsync("admin", "second admin");
        foreach (var key in new[] { ApiFactory.AdminKey, admin.Key })
        {
            using var dashboard = Dashboard();
            Assert.Equal(HttpStatusCode.Redirect, (await dashboard.LoginAsync(key)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await dashboard.GetAsync("/ops")).StatusCode);
        }
    }

    [Theory]
    [InlineData("customer")]
    [InlineData("wrong")]
    [InlineData("empty")]
    [InlineData("revoked")]
    public async Task Login_with_a_customer_key_a_wrong_key_or_a_revoked_key_is_refused_without_a_cookie(string kind)
    {
        var key = kind switch
        {
            "customer" => (await CreateCustomerAsync()).ApiKey,
            "wrong" => "cw_not-a-real-key",
            "revoked" => await RevokedOpsKeyAsync(),
            _ => "",
        };
        using var dashboard = Dashboard();

        var response = await dashboard.LoginAsync(key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(Refused, await response.Content.ReadAsStringAsync());
        Assert.Null(DashboardSession.SessionCookieHeader(response));
        Assert.Null(dashboard.SessionCookie);
        Assert.Equal(HttpStatusCode.Redirect, (await dashboard.GetAsync("/ops")).StatusCode);
    }

    [Fact]
    public async Task A_login_post_without_the_antiforgery_token_is_rejected()
    {
        var ops = await CreateStaffKeyAsync("ops");
        using var dashboard = Dashboard();

        var response = await dashboard.Http.PostAsync("/ops/login", new FormUrlEncodedContent([new("apiKey", ops.Key)]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(DashboardSession.SessionCookieHeader(response));
    }

    [Fact]
    public async Task An_api_key_in_the_query_string_is_never_accepted()
    {
        var ops = await CreateStaffKeyAsync("ops");
        using var dashboard = Dashboard();

        var page = await dashboard.GetAsync($"/ops?apiKey={Uri.EscapeDataString(ops.Key)}");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/ops/login", page.Headers.Location!.AbsolutePath);

        // Nor on the login form: a posted form with the key only in the URL is a refused login.
        var login = await dashboard.PostFormAsync("/ops/login", $"/ops/login?apiKey={Uri.EscapeDataString(ops.Key)}", []);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains(Refused, await login.Content.ReadAsStringAsync());
        Assert.Null(DashboardSession.SessionCookieHeader(login));
    }

    [Fact]
    public async Task A_bearer_header_alone_does_not_open_the_dashboard()
    {
        var ops = await CreateStaffKeyAsync("ops");
        using var dashboard = Dashboard();

        foreach (var key in new[] { ops.Key, ApiFactory.AdminKey })
        {
            var response = await dashboard.Http.SendAsync(dashboard.WithBearer(HttpMethod.Get, "/ops", key));
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/ops/login", response.Headers.Location!.AbsolutePath);
        }
    }

    [Fact]
    public async Task Revoking_the_key_ends_its_dashboard_session_at_once()
    {
        var ops = await CreateStaffKeyAsync("ops");
        using var dashboard = Dashboard();
        await dashboard.LoginAsync(ops.Key);
        Assert.Equal(HttpStatusCode.OK, (await dashboard.GetAsync("/ops")).StatusCode);

        await AssertStatus(await AdminClient().DeleteAsync($"/api/v1/admin/api-keys/{ops.Id}"), HttpStatusCode.NoContent);

        var response = await dashboard.GetAsync("/ops");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/ops/login", response.Headers.Location!.AbsolutePath);
        // The stale cookie is cleared, not just ignored.
        Assert.Null(dashboard.SessionCookie);
    }

    [Fact]
    public async Task A_session_opened_on_one_node_is_honoured_by_another_node_of_the_cluster()
    {
        // Both nodes read the Data Protection key ring from the shared database, so a load balancer may send the
        // next request anywhere.
        var ops = await CreateStaffKeyAsync("ops");
        using var dashboard = Dashboard();
        await dashboard.LoginAsync(ops.Key);
        await using var otherNode = ApiFactory.StartOnKestrel(Database.ConnectionString);
        var otherAddress = otherNode.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();
        using var otherClient = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = true,
            CookieContainer = dashboard.Cookies,
        }) { BaseAddress = new Uri(otherAddress.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)) };

        var response = await otherClient.GetAsync("/ops");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("id=\"integrity\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // The key ring lives in the database, not in one machine's file system (which would only work on one host).
        Assert.True(await Database.CountAsync("data_protection_keys") >= 1);
    }

    [Fact]
    public async Task Signing_out_clears_the_session()
    {
        var ops = await CreateStaffKeyAsync("ops");
        using var dashboard = Dashboard();
        await dashboard.LoginAsync(ops.Key);

        var response = await dashboard.PostFormAsync("/ops", "/ops/logout", []);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/ops/login", response.Headers.Location?.OriginalString);
        Assert.Null(dashboard.SessionCookie);
        Assert.Equal(HttpStatusCode.Redirect, (await dashboard.GetAsync("/ops")).StatusCode);
    }

    [Fact]
    public async Task The_page_shows_billing_runs_integrity_and_the_hourly_chart_and_leaves_the_jobs_to_hangfire()
    {
        await SeedOperationsDataAsync();
        using var dashboard = Dashboard();
        await dashboard.LoginAsync(ApiFactory.AdminKey);

        var response = await dashboard.GetAsync("/ops");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<meta http-equiv=\"refresh\" content=\"15\" />", html);

        // The job list, the runs and the nodes are Hangfire's: the page links there instead of repeating them.
        Assert.Contains("href=\"/hangfire\"", Section(html, "jobs"));
        Assert.DoesNotContain("<section id=\"runs\">", html);
        Assert.DoesNotContain("<section id=\"nodes\">", html);
        Assert.DoesNotContain("handler=Trigger", html);
        Assert.DoesNotContain("<script>", html);

        // The latest integrity report (not the older clean one) with its issues.
        var integrity = Section(html, "integrity");
        Assert.Contains("1,234", integrity);
        Assert.Contains("56,789", integrity);
        Assert.Contains("balance_mismatch", integrity);
        Assert.Contains("sequence_gap", integrity);
        Assert.Contains("balance 10.00 &lt;&gt; ledger 12.00", integrity);
        Assert.Contains("018f0000-0000-7000-8000-0000000000d1", integrity);

        var billing = Section(html, "billing-runs");
        Assert.Contains("Succeeded", billing);
        Assert.Contains("node-a", billing);
        Assert.Contains("12.50", billing);

        // The chart: one bar per hour of the last 48 (zero hours too), the two billed hours and their total.
        var chart = Section(html, "billing-chart");
        Assert.Contains("<svg class=\"chart\"", chart);
        Assert.Equal(48, BarRegex().Matches(chart).Count);
        var amounts = BarRegex().Matches(chart).Select(m => decimal.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal([7.66m, 12.34m], amounts.Where(a => a > 0));
        Assert.Equal(46, amounts.Count(a => a == 0));
        Assert.Contains("<b id=\"chart-total\">20.00</b>", chart);
        Assert.Contains("<text", chart);
    }

    [Fact]
    public async Task An_empty_system_renders_every_section()
    {
        using var dashboard = Dashboard();
        await dashboard.LoginAsync(ApiFactory.AdminKey);

        var html = await (await dashboard.GetAsync("/ops")).Content.ReadAsStringAsync();

        Assert.Contains("No integrity check has run yet.", html);
        Assert.Contains("No billing run yet.", html);
        Assert.Contains("<b id=\"chart-total\">0.00</b>", html);
        Assert.Equal(48, BarRegex().Matches(html).Count);
    }

    private async Task<string> RevokedOpsKeyAsync()
    {
        var ops = await CreateStaffKeyAsync("ops");
        await AssertStatus(await AdminClient().DeleteAsync($"/api/v1/admin/api-keys/{ops.Id}"), HttpStatusCode.NoContent);
        return ops.Key;
    }

    private static string Section(string html, string id)
    {
        var start = html.IndexOf($"<section id=\"{id}\">", StringComparison.Ordinal);
        Assert.True(start >= 0, $"the page has no section '{id}'");
        var end = html.IndexOf("</section>", start, StringComparison.Ordinal);
        return html[start..end];
    }

    [GeneratedRegex("<rect class=\"bar\"[^>]*data-amount=\"([0-9.]+)\"")]
    private static partial Regex BarRegex();
}
