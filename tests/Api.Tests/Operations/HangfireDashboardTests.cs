using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Infrastructure.Scheduling;

namespace CleanWallet.Api.Tests.Operations;

/// <summary>Hangfire's dashboard at /hangfire: only an /ops session of a staff key opens it, and its POSTs need the antiforgery token.</summary>
public sealed partial class HangfireDashboardTests(TestDatabase database) : OperationsTestBase(database)
{
    private const string Hangfire = "/hangfire";

    [Theory]
    [InlineData("/hangfire")]
    [InlineData("/hangfire/recurring")]
    [InlineData("/hangfire/jobs/succeeded")]
    public async Task Without_a_session_the_dashboard_redirects_to_the_ops_login_page(string path)
    {
        using var dashboard = Dashboard();

        var response = await dashboard.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/ops/login", response.Headers.Location!.AbsolutePath);
        Assert.Contains(Uri.EscapeDataString(path), response.Headers.Location.Query);
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("ops")]
    public async Task A_staff_key_in_the_query_string_or_a_Bearer_header_never_opens_it(string role)
    {
        var key = role == "admin" ? ApiFactory.AdminKey : (await CreateStaffKeyAsync("ops")).Key;
        using var dashboard = Dashboard();

        foreach (var path in new[] { $"{Hangfire}?apiKey={key}", $"{Hangfire}?key={key}", $"{Hangfire}?access_token={key}" })
        {
            var response = await dashboard.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/ops/login", response.Headers.Location!.AbsolutePath);
        }

        var bearer = await dashboard.Http.SendAsync(dashboard.WithBearer(HttpMethod.Get, Hangfire, key));
        Assert.Equal(HttpStatusCode.Redirect, bearer.StatusCode);
        Assert.Equal("/ops/login", bearer.Headers.Location!.AbsolutePath);
        var stats = await dashboard.Http.SendAsync(dashboard.WithBearer(HttpMethod.Post, Hangfire + "/stats", key));
        Assert.NotEqual(HttpStatusCode.OK, stats.StatusCode);
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("ops")]
    public async Task An_ops_session_opens_the_dashboard_which_hides_the_connection_string_and_links_back_to_ops(string role)
    {
        var key = role == "admin" ? ApiFactory.AdminKey : (await CreateStaffKeyAsync("ops")).Key;
        using var dashboard = Dashboard();
        Assert.Equal(HttpStatusCode.Redirect, (await dashboard.LoginAsync(key)).StatusCode);

        var response = await dashboard.GetAsync(Hangfire);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("CleanWallet jobs", html);
        Assert.Contains("href=\"/ops\"", html);
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(Database.ConnectionString);
        Assert.DoesNotContain(connection.Database!, html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Host=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(key, html);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());

        // /ops links to it.
        var ops = await (await dashboard.GetAsync("/ops")).Content.ReadAsStringAsync();
        Assert.Contains("href=\"/hangfire\"", ops);
    }

    [Fact]
    public async Task The_recurring_jobs_page_lists_every_job_by_name_and_description()
    {
        using var dashboard = await SignedInAsync();

        var html = WebUtility.HtmlDecode(await (await dashboard.GetAsync(Hangfire + "/recurring")).Content.ReadAsStringAsync());

        foreach (var job in RecurringJobs.All)
            Assert.Contains($"{job.Name}: {job.Description}", html);
    }

    [Fact]
    public async Task Revoking_the_key_ends_the_session_for_the_hangfire_dashboard_at_once()
    {
        var ops = await CreateStaffKeyAsync("ops");
        using var dashboard = Dashboard();
        await dashboard.LoginAsync(ops.Key);
        Assert.Equal(HttpStatusCode.OK, (await dashboard.GetAsync(Hangfire)).StatusCode);

        await AssertStatus(await AdminClient().DeleteAsync($"/api/v1/admin/api-keys/{ops.Id}"), HttpStatusCode.NoContent);

        var response = await dashboard.GetAsync(Hangfire);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/ops/login", response.Headers.Location!.AbsolutePath);
        Assert.Null(dashboard.SessionCookie);
    }

    [Fact]
    public async Task A_dashboard_POST_without_the_antiforgery_token_is_refused_and_queues_nothing()
    {
        using var dashboard = await SignedInAsync();
        var page = await (await dashboard.GetAsync(Hangfire + "/recurring")).Content.ReadAsStringAsync();
        // Only integrity jobs count: the every-minute jobs may fire meanwhile.
        const string integrityJobs = "arguments::text LIKE '%integrity%'";
        var before = await Database.CountAsync("hangfire.job", integrityJobs);

        var forged = await dashboard.Http.PostAsync(Hangfire + "/recurring/trigger",
            new FormUrlEncodedContent([new KeyValuePair<string, string>("jobs[]", "integrity")]));

        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal(before, await Database.CountAsync("hangfire.job", integrityJobs));

        // The same POST with the page's token (as the dashboard's script sends it) is accepted and queues the job.
        var header = AntiforgeryHeader().Match(page);
        var token = AntiforgeryToken().Match(page);
        Assert.True(header.Success && token.Success, "The dashboard page carries no antiforgery token");
        using var request = new HttpRequestMessage(HttpMethod.Post, Hangfire + "/recurring/trigger")
        {
            Content = new FormUrlEncodedContent([new KeyValuePair<string, string>("jobs[]", "integrity")]),
        };
        request.Headers.Add(WebUtility.HtmlDecode(header.Groups[1].Value), WebUtility.HtmlDecode(token.Groups[1].Value));
        var accepted = await dashboard.Http.SendAsync(request);
        Assert.True(accepted.IsSuccessStatusCode, $"The POST with the token was answered {(int)accepted.StatusCode}");
        Assert.Equal(before + 1, await Database.CountAsync("hangfire.job", integrityJobs));
    }

    private async Task<DashboardSession> SignedInAsync()
    {
        var ops = await CreateStaffKeyAsync("ops");
        var dashboard = Dashboard();
        Assert.Equal(HttpStatusCode.Redirect, (await dashboard.LoginAsync(ops.Key)).StatusCode);
        return dashboard;
    }

    [GeneratedRegex("<meta name=\"csrf-header\" content=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryHeader();

    [GeneratedRegex("<meta name=\"csrf-token\" content=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
