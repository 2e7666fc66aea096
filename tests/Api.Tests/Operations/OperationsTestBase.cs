using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using CleanWallet.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CleanWallet.Api.Tests.Operations;

/// <summary>Staff keys, the dashboard as a browser without JavaScript sees it (cookies, forms, no auto-redirect) and seed rows.</summary>
public abstract partial class OperationsTestBase(TestDatabase database) : ApiTestBase(database)
{
    protected const string Jobs = "/api/v1/admin/jobs";

    protected sealed record StaffKey(Guid Id, string Key);

    protected async Task<StaffKey> CreateStaffKeyAsync(string role, string name = "night shift")
    {
        var response = await AdminClient().SendAsync(Post("/api/v1/admin/api-keys", new { name, role }));
        await AssertStatus(response, HttpStatusCode.Created);
        var body = await ReadJson(response);
        return new StaffKey(Guid.Parse((string)body["id"]!), (string)body["apiKey"]!);
    }

    protected DashboardSession Dashboard() => new(ServerAddress());

    private Uri ServerAddress()
    {
        var address = Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
    }

    /// <summary>
    /// Polls the job history until a run of the job queued by "trigger now" (trigger name "manual"; schedule runs are
    /// named "&lt;job&gt;.schedule") started since <paramref name="since"/> has finished; returns its outcome.
    /// </summary>
    protected async Task<string> WaitForManualRunAsync(string job, DateTimeOffset since, TimeSpan timeout)
    {
        const string manualRun = "job_name = $1 AND trigger_name = 'manual' AND started_at >= $2 AND status <> 'Running'";
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await Database.CountAsync("job_runs", manualRun, job, since.AddSeconds(-1)) > 0)
                return await Database.ScalarAsync<string>(
                    $"SELECT status || coalesce(': ' || error, '') FROM job_runs WHERE {manualRun} ORDER BY started_at DESC LIMIT 1",
                    job, since.AddSeconds(-1));
            await Task.Delay(250);
        }
        Assert.Fail($"No manual run of '{job}' finished within {timeout.TotalSeconds} s.");
        return string.Empty;
    }

    protected static void AssertSucceeded(string outcome) => Assert.True(outcome == "Succeeded", $"The run ended {outcome}");

    /// <summary>Seeds job history, a billing run, hourly usage and an integrity report with SQL, as the jobs would have.</summary>
    protected async Task SeedOperationsDataAsync()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 500m);
        var entryId = await Database.ScalarAsync<Guid>("SELECT id FROM ledger_entries WHERE wallet_id = $1 LIMIT 1", customer.WalletId);
        var vmId = Guid.NewGuid();
        await ExecuteAsync("""
            INSERT INTO vms (id, customer_id, wallet_id, name, size, status, billed_through, created_at, updated_at)
            VALUES ($1, $2, $3, 'web-1', 'Small', 'Running', date_trunc('hour', now()), now() - interval '3 days', now())
            """, vmId, customer.CustomerId, customer.WalletId);
        // Two billed hours inside the chart's window and one long before it.
        await ExecuteAsync("""
            INSERT INTO vm_usage (vm_id, hour_start, size, amount, wallet_id, ledger_entry_id, created_at) VALUES
                ($1, date_trunc('hour', now()) - interval '2 hours', 'Small', 12.34, $2, $3, now()),
                ($1, date_trunc('hour', now()) - interval '5 hours', 'Small', 7.66, $2, $3, now()),
                ($1, date_trunc('hour', now()) - interval '100 hours', 'Small', 999.00, $2, $3, now())
            """, vmId, customer.WalletId, entryId);
        await ExecuteAsync("""
            INSERT INTO job_runs (id, job_name, fire_instance_id, trigger_name, node_id, scheduled_at, started_at, finished_at, status, summary, error) VALUES
                ('018f0000-0000-7000-8000-000000000001', 'billing', 'fire-1', 'billing.schedule', 'node-a', now() - interval '3 hours',
                 now() - interval '3 hours', now() - interval '3 hours' + interval '1500 milliseconds', 'Succeeded',
                 '{"vmsBilled": 3, "hoursBilled": 5, "amountBilled": 12.5, "vmsSuspended": 1}', NULL),
                ('018f0000-0000-7000-8000-000000000002', 'integrity', 'fire-2', 'integrity.schedule', 'node-b', now() - interval '2 hours',
                 now() - interval '2 hours', now() - interval '2 hours' + interval '2 seconds', 'Failed',
                 NULL, 'NpgsqlException: boom <script>alert(1)</script>'),
                ('018f0000-0000-7000-8000-000000000003', 'housekeeping', 'fire-3', 'housekeeping.schedule', 'node-a', now() - interval '1 minute',
                 now() - interval '1 minute', NULL, 'Running', NULL, NULL),
                ('018f0000-0000-7000-8000-000000000004', 'integrity', 'fire-4', 'manual', 'node-a', NULL,
                 now() - interval '30 minutes', now() - interval '30 minutes' + interval '800 milliseconds', 'Succeeded',
                 '{"walletsChecked": 1, "entriesChecked": 1, "issueCount": 2}', NULL)
            """);
        await ExecuteAsync("""
            INSERT INTO billing_runs (id, billed_up_to, started_at, finished_at, status, node_id, batches, vms_billed, hours_billed, amount_billed, vms_suspended)
            VALUES ('018f0000-0000-7000-8000-0000000000b1', date_trunc('hour', now()), now() - interval '3 hours', now() - interval '3 hours' + interval '1 second',
                    'Succeeded', 'node-a', 2, 3, 5, 12.50, 1)
            """);
        await ExecuteAsync("""
            INSERT INTO integrity_reports (id, trigger, started_at, finished_at, wallets_checked, entries_checked, payments_checked, issue_count, issues)
            VALUES ('018f0000-0000-7000-8000-0000000000c1', 'Schedule', now() - interval '2 days', now() - interval '2 days', 9, 99, 9, 0, '[]'),
                   ('018f0000-0000-7000-8000-0000000000c2', 'Dashboard', now() - interval '30 minutes', now() - interval '30 minutes', 1234, 56789, 42, 2,
                    '[{"walletId": "018f0000-0000-7000-8000-0000000000d1", "kind": "balance_mismatch", "detail": "balance 10.00 <> ledger 12.00"},
                      {"walletId": "018f0000-0000-7000-8000-0000000000d2", "kind": "sequence_gap", "detail": "entry 3 missing"}]')
            """);
    }

    protected async Task ExecuteAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
            command.Parameters.AddWithValue(parameter);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// A client that behaves like a browser without JavaScript: keeps cookies, does not follow redirects, posts forms
    /// with the antiforgery token of the page they came from. Never sends an Authorization header.
    /// </summary>
    protected sealed partial class DashboardSession(Uri baseAddress) : IDisposable
    {
        public CookieContainer Cookies { get; } = new();
        private HttpClient? _client;

        // API answers (the dashboard's session may call /api/v1 with its cookie) are checked against the OpenAPI document too.
        public HttpClient Http => _client ??= new HttpClient(new ContractValidatingHandler
        {
            InnerHandler = new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = true,
                CookieContainer = Cookies,
            },
        }) { BaseAddress = baseAddress };

        public Uri BaseAddress => baseAddress;

        public Task<HttpResponseMessage> GetAsync(string path) => Http.GetAsync(path);

        /// <summary>Loads <paramref name="formPage"/>, then posts the fields with that page's antiforgery token.</summary>
        public async Task<HttpResponseMessage> PostFormAsync(string formPage, string action, IEnumerable<KeyValuePair<string, string>> fields)
        {
            var page = await Http.GetAsync(formPage);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var token = AntiforgeryToken().Match(await page.Content.ReadAsStringAsync());
            Assert.True(token.Success, $"{formPage} has no antiforgery token");
            var form = fields.Append(new KeyValuePair<string, string>("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value)));
            return await Http.PostAsync(action, new FormUrlEncodedContent(form));
        }

        public Task<HttpResponseMessage> LoginAsync(string apiKey) =>
            PostFormAsync("/ops/login", "/ops/login", [new("apiKey", apiKey)]);

        /// <summary>The raw Set-Cookie header of the dashboard session cookie in a response, if it set one.</summary>
        public static string? SessionCookieHeader(HttpResponseMessage response) =>
            response.Headers.TryGetValues("Set-Cookie", out var values)
                ? values.FirstOrDefault(v => v.StartsWith("cw_ops=", StringComparison.Ordinal))
                : null;

        public Cookie? SessionCookie => Cookies.GetCookies(new Uri(baseAddress, "/ops")).FirstOrDefault(c => c.Name == "cw_ops");

        public HttpRequestMessage WithBearer(HttpMethod method, string path, string key)
        {
            var request = new HttpRequestMessage(method, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return request;
        }

        [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
        private static partial Regex AntiforgeryToken();

        public void Dispose() => _client?.Dispose();
    }
}
