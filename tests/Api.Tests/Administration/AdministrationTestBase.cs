using System.Net;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Administration;

/// <summary>Helpers shared by the administration tests: adjustments, freezing and reading the audit log as an admin.</summary>
public abstract class AdministrationTestBase(TestDatabase database) : ApiTestBase(database)
{
    protected const string BootstrapActor = "admin:bootstrap";

    protected Task<HttpResponseMessage> AdjustAsync(Guid walletId, string direction, decimal amount, string reason,
        string? idempotencyKey = null, string? apiKey = ApiFactory.AdminKey) =>
        Client(apiKey).SendAsync(Post($"/api/v1/wallets/{walletId}/adjustments", new { direction, amount, reason }, idempotencyKey));

    protected async Task<JsonObject> AdjustOkAsync(Guid walletId, string direction, decimal amount, string reason = "Correction")
    {
        var response = await AdjustAsync(walletId, direction, amount, reason);
        await AssertStatus(response, HttpStatusCode.Created);
        return await ReadJson(response);
    }

    protected Task<HttpResponseMessage> FreezeAsync(Guid walletId, string action = "freeze", object? body = null, string? apiKey = ApiFactory.AdminKey) =>
        Client(apiKey).SendAsync(Post($"/api/v1/wallets/{walletId}/{action}", body ?? new { }));

    protected async Task<JsonObject> AuditAsync(string query = "")
    {
        var response = await AdminClient().GetAsync($"/api/v1/admin/audit{query}");
        await AssertStatus(response, HttpStatusCode.OK);
        return await ReadJson(response);
    }

    protected static JsonArray Items(JsonObject page) => page["items"]!.AsArray();

    protected static string RequestId(HttpResponseMessage response) => response.Headers.GetValues("X-Request-Id").Single();

    /// <summary>The counts that a refused administrative request must leave unchanged.</summary>
    protected async Task<(long Adjustments, long Entries, long Audit)> CountWritesAsync() =>
        (await Database.CountAsync("adjustments"), await Database.CountAsync("ledger_entries"), await Database.CountAsync("audit_log"));
}
