using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CleanWallet.Api.Tests.Vms;

/// <summary>VM tests run the real API with a clock the test moves across hours.</summary>
public abstract class VmTestBase(TestDatabase database) : ApiTestBase(database)
{
    /// <summary>10:20 UTC: inside the 10:00 hour, so "the current hour" is unambiguous.</summary>
    protected static readonly DateTimeOffset Start = new(2025, 1, 15, 10, 20, 0, TimeSpan.Zero);

    protected static DateTimeOffset Hour(int hour, int day = 15) => new(2025, 1, day, hour, 0, 0, TimeSpan.Zero);

    protected MutableClock Clock { get; } = new(Start);

    protected override ApiFactory CreateFactory() =>
        ApiFactory.StartOnKestrel(Database.ConnectionString, services => services.AddSingleton<TimeProvider>(Clock));

    protected async Task<JsonObject> ProvisionAsync(HttpClient client, Guid walletId, string size = "Small", string name = "web-1")
    {
        var response = await client.SendAsync(Post("/api/v1/vms", new { walletId, name, size }));
        await AssertStatus(response, HttpStatusCode.Created);
        return await ReadJson(response);
    }

    protected static Guid IdOf(JsonObject vm) => Guid.Parse((string)vm["id"]!);

    protected async Task<JsonObject> ActAsync(HttpClient client, Guid vmId, string action, object? body = null)
    {
        var response = await client.SendAsync(Post($"/api/v1/vms/{vmId}/{action}", body ?? new { }));
        await AssertStatus(response, HttpStatusCode.OK);
        return await ReadJson(response);
    }

    protected async Task<JsonObject> GetVmAsync(HttpClient client, Guid vmId)
    {
        var response = await client.GetAsync($"/api/v1/vms/{vmId}");
        await AssertStatus(response, HttpStatusCode.OK);
        return await ReadJson(response);
    }

    protected async Task PayAsync(HttpClient client, Guid walletId, decimal amount)
    {
        var response = await client.PostAsJsonAsync($"/api/v1/wallets/{walletId}/payments", new { amount, description = "Something else" });
        await AssertStatus(response, HttpStatusCode.Created);
    }

    /// <summary>An ops key written straight into the table, so these tests depend on no key-issuing endpoint.</summary>
    protected async Task<string> CreateOpsKeyAsync()
    {
        var key = $"cw_ops_vm_test_{Guid.NewGuid():N}";
        await Database.ScalarAsync<long>(
            "WITH k AS (INSERT INTO api_keys (id, name, role, customer_id, key_hash, prefix, created_at) " +
            "VALUES ($1, 'vm ops', 'Ops', NULL, $2, $3, now()) RETURNING 1) SELECT count(*) FROM k",
            Guid.NewGuid(), Application.ApiKeys.ApiKeyGenerator.Hash(key), key[..10]);
        return key;
    }

    protected Task<decimal> BalanceMinusLedgerAsync(Guid walletId) => Database.ScalarAsync<decimal>(
        "SELECT w.balance - coalesce(sum(CASE e.direction WHEN 'Credit' THEN e.amount ELSE -e.amount END), 0) " +
        "FROM wallets w LEFT JOIN ledger_entries e ON e.wallet_id = w.id WHERE w.id = $1 GROUP BY w.balance", walletId);

    protected Task<long> UsageEntriesAsync(Guid vmId) =>
        Database.CountAsync("ledger_entries", "type = 'UsageCharge' AND reference_type = 'vm_usage' AND reference_id = $1", vmId);

    protected Task<long> UsageRowsAsync(Guid vmId) => Database.CountAsync("vm_usage", "vm_id = $1", vmId);

    protected Task<decimal> UsageAmountAsync(Guid vmId) =>
        Database.ScalarAsync<decimal>("SELECT coalesce(sum(amount), 0) FROM vm_usage WHERE vm_id = $1", vmId);

    /// <summary>The billed hours of a VM as "HH:mm Size amount", oldest first.</summary>
    protected async Task<string> UsageHoursAsync(Guid vmId) => await Database.ScalarAsync<string>(
        "SELECT coalesce(string_agg(to_char(hour_start AT TIME ZONE 'UTC', 'DD HH24:MI') || ' ' || size || ' ' || amount::text, ', ' " +
        "ORDER BY hour_start), '') FROM vm_usage WHERE vm_id = $1", vmId);

    protected async Task<decimal> BalanceAsync(Guid walletId) => (decimal)(await GetWalletAsync(walletId))["balance"]!;
}
