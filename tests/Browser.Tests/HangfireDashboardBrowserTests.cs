using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Infrastructure.Scheduling;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CleanWallet.Browser.Tests;

/// <summary>
/// Hangfire's dashboard in a real headless Chromium, behind the /ops login: refused without a session, then an ops key
/// logs in, sees the recurring jobs, triggers the integrity job from Hangfire's page and sees it succeed.
/// </summary>
[Collection(BrowserFixture.Sequential)]
public sealed class HangfireDashboardBrowserTests(TestDatabase database, BrowserFixture browser)
    : IClassFixture<TestDatabase>, IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    private ApiFactory _api = null!;
    private Uri _baseAddress = null!;

    public async Task InitializeAsync()
    {
        _api = ApiFactory.StartOnKestrel(database.ConnectionString,
            settings: new Dictionary<string, string?> { ["Scheduling:Enabled"] = "true" });
        await database.ResetAsync();
        var address = _api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _baseAddress = new Uri(address);
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Ops_staff_open_hangfire_see_the_recurring_jobs_trigger_integrity_and_see_it_succeed()
    {
        var opsKey = await CreateOpsKeyAsync();
        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = _baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1440, Height = 1000 },
        });
        var page = await context.NewPageAsync();

        // Without a session: the ops login page, not Hangfire.
        await page.GotoAsync("/hangfire");
        Assert.Equal("/ops/login", new Uri(page.Url).AbsolutePath);
        Assert.Equal(0, await page.Locator("#hangfireConfig").CountAsync());

        // Logging in there comes back to /hangfire.
        await page.GetByLabel("API key").FillAsync(opsKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/hangfire", StringComparison.Ordinal)
            || new Uri(url).AbsolutePath == "/ops");
        await page.GotoAsync("/hangfire/recurring");
        Assert.Equal("/hangfire/recurring", new Uri(page.Url).AbsolutePath);
        foreach (var job in RecurringJobs.All)
            await Assertions.Expect(page.Locator("body")).ToContainTextAsync($"{job.Name}: {job.Description[..40]}");

        // Select integrity, "Trigger now" (a POST carrying the antiforgery token), then it shows as succeeded.
        await page.Locator("input.js-jobs-list-checkbox[value='integrity']").CheckAsync();
        var trigger = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Trigger now" }).ClickAsync(),
            response => response.Url.EndsWith("/hangfire/recurring/trigger", StringComparison.Ordinal));
        Assert.True(trigger.Ok, $"Trigger now was answered {trigger.Status}");
        // Hangfire's script reloads the page after the POST: let it finish before moving on.
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var deadline = DateTime.UtcNow + RunTimeout;
        while (true)
        {
            await page.GotoAsync("/hangfire/jobs/succeeded");
            // Shown as succeeded by Hangfire, and recorded as succeeded in the job history since the test began.
            if (await page.Locator("table").GetByText("integrity: ").CountAsync() > 0
                && await database.ScalarAsync<long>("SELECT count(*) FROM job_runs WHERE job_name = 'integrity' AND status = 'Succeeded'") >= 1)
                break;
            Assert.True(DateTime.UtcNow < deadline, $"the integrity job did not show as succeeded within {RunTimeout.TotalSeconds} s");
            Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM job_runs WHERE job_name = 'integrity' AND status = 'Failed'"));
            await Task.Delay(500);
        }

        // "Back to site" goes to /ops, which links back here.
        await page.GotoAsync("/hangfire");
        Assert.True(await page.Locator("a[href='/ops']").CountAsync() > 0, "Hangfire's dashboard has no link back to /ops");
        await page.GotoAsync("/ops");
        await Assertions.Expect(page.Locator("#hangfire-link")).ToHaveAttributeAsync("href", "/hangfire");

        // Signing out on /ops closes Hangfire too.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/ops/login");
        await page.GotoAsync("/hangfire");
        Assert.Equal("/ops/login", new Uri(page.Url).AbsolutePath);
    }

    private async Task<string> CreateOpsKeyAsync()
    {
        using var http = new HttpClient { BaseAddress = _baseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiFactory.AdminKey);
        var response = await http.PostAsJsonAsync("/api/v1/admin/api-keys", new { name = "browser test", role = "ops" });
        response.EnsureSuccessStatusCode();
        return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["apiKey"]!;
    }
}
