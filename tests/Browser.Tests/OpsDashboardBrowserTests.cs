using System.Globalization;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Infrastructure.Scheduling;
using Microsoft.Playwright;
using Npgsql;

namespace CleanWallet.Browser.Tests;

/// <summary>
/// The operations dashboard in a real headless Chromium against the real API (Kestrel, scheduler running) and a fresh
/// PostgreSQL: refused without a key, logs in with an ops key, finds the jobs on Hangfire's dashboard, sees
/// the latest integrity report after a run, and the hourly chart.
/// </summary>
[Collection(BrowserFixture.Sequential)]
public sealed class OpsDashboardBrowserTests(TestDatabase database, BrowserFixture browser)
    : DashboardBrowserTestBase(database, browser), IClassFixture<TestDatabase>, IClassFixture<BrowserFixture>
{
    private const string TriggeredJob = "integrity";

    [Fact]
    public async Task Ops_staff_log_in_find_the_jobs_on_hangfire_and_see_the_integrity_report_and_the_chart()
    {
        Assert.NotNull(RecurringJobs.Find(TriggeredJob));
        var opsKey = await CreateOpsKeyAsync();
        await using var context = await NewContextAsync();
        var page = await context.NewPageAsync();

        // Without a key the dashboard is not shown: the browser lands on the login form.
        await page.GotoAsync("/ops");
        Assert.Equal("/ops/login", new Uri(page.Url).AbsolutePath);
        Assert.True(await page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to the operations dashboard" }).IsVisibleAsync());
        Assert.Equal(0, await page.Locator("#jobs").CountAsync());

        // A wrong key is refused with an error, and still no dashboard.
        await page.GetByLabel("API key").FillAsync("cw_this-is-not-a-key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#login-error")).ToContainTextAsync("not accepted");
        Assert.Equal("/ops/login", new Uri(page.Url).AbsolutePath);
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == "cw_ops");

        // The ops key opens it, with an HttpOnly, SameSite=Strict session cookie.
        await page.GetByLabel("API key").FillAsync(opsKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/ops");
        var session = Assert.Single(await context.CookiesAsync(), c => c.Name == "cw_ops");
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, session.SameSite);
        await Assertions.Expect(page.Locator("#signed-in-as")).ToHaveTextAsync("browser test (ops)");

        // The jobs are on Hangfire's dashboard, linked from here.
        await Assertions.Expect(page.Locator("#jobs a[href='/hangfire']")).ToBeVisibleAsync();

        // An integrity run (queued through the jobs API, run by this node's Hangfire server) shows its report here.
        await AdminPostAsync($"/api/v1/admin/jobs/{TriggeredJob}/trigger", new { });
        var deadline = DateTime.UtcNow + RunTimeout;
        while (await page.Locator("#integrity").GetByText("No integrity check has run yet").CountAsync() > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the {TriggeredJob} report did not show within {RunTimeout.TotalSeconds} s; runs: " +
                await Database.ScalarAsync<string>("SELECT coalesce(string_agg(job_name || ' ' || trigger_name || ' ' || status || ' ' || coalesce(error, ''), '; '), 'none') FROM job_runs") +
                "; hangfire jobs: " + await Database.ScalarAsync<string>("SELECT coalesce(string_agg(j.id || ' ' || coalesce(j.statename, '-') || ' ' || coalesce((SELECT left(coalesce(s.reason, '') || ' ' || coalesce(s.data::text, ''), 600) FROM hangfire.state s WHERE s.jobid = j.id ORDER BY s.id DESC LIMIT 1), ''), '; '), 'none') FROM hangfire.job j") +
                "; servers: " + await Database.ScalarAsync<string>("SELECT count(*)::text FROM hangfire.server"));
            await Task.Delay(500);
            await page.ReloadAsync();
        }
        await Assertions.Expect(page.Locator("#integrity")).ToContainTextAsync("Wallets checked");

        // Hours billed since then show in the chart on the next refresh.
        var billed = await SeedBilledHoursAsync();
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#billing-chart svg.chart rect.bar")).ToHaveCountAsync(48);
        await Assertions.Expect(page.Locator("#chart-total")).ToHaveTextAsync(billed.ToString("#,##0.00", CultureInfo.InvariantCulture));

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("ops-dashboard.png"), FullPage = true });

        // Signing out ends the session: the dashboard is refused again.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        // The redirect to the login form is what is checked, not the form's loading (a CI run once timed out waiting
        // for its load event on a busy machine).
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/ops/login",
            new() { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
        await page.GotoAsync("/ops");
        Assert.Equal("/ops/login", new Uri(page.Url).AbsolutePath);
    }

    /// <summary>
    /// A customer with a VM that was billed in some of the last hours, so the chart has bars to show; returns the amount
    /// billed inside the chart's window. The rows only feed the chart: they point at the top-up's entry instead of usage
    /// charges, which is why they are added after the integrity check.
    /// </summary>
    private async Task<decimal> SeedBilledHoursAsync()
    {
        var customer = await AdminPostAsync("/api/v1/customers", new { name = "Chart Ltd", billingModel = "Payg" });
        var walletId = Guid.Parse((string)customer["walletId"]!);
        await AdminPostAsync($"/api/v1/wallets/{walletId}/top-ups", new { amount = 1000m, cardToken = "tok_visa" });

        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            WITH vm AS (
                INSERT INTO vms (id, customer_id, wallet_id, name, size, status, billed_through, created_at, updated_at)
                VALUES (gen_random_uuid(), $1, $2, 'chart-vm', 'Large', 'Running', date_trunc('hour', now()), now() - interval '2 days', now())
                RETURNING id)
            INSERT INTO vm_usage (vm_id, hour_start, size, amount, wallet_id, ledger_entry_id, created_at)
            SELECT vm.id, date_trunc('hour', now()) - make_interval(hours => h), 'Large', 0.82 * (1 + h % 4), $2,
                   (SELECT id FROM ledger_entries WHERE wallet_id = $2 LIMIT 1), now()
            FROM vm, generate_series(1, 30) AS h
            WHERE h % 5 <> 0
            RETURNING amount
            """, connection);
        command.Parameters.AddWithValue(Guid.Parse((string)customer["customerId"]!));
        command.Parameters.AddWithValue(walletId);
        var total = 0m;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            total += reader.GetDecimal(0);
        return total;
    }

    /// <summary>TestResults/screenshots at the repository root (gitignored), wherever the tests run from.</summary>
    private static string ScreenshotPath(string name)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CleanWallet.sln")))
            directory = directory.Parent;
        var folder = Path.Combine(directory?.FullName ?? AppContext.BaseDirectory, "TestResults", "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }
}
