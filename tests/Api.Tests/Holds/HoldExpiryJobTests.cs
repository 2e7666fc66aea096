using System.Net;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Infrastructure.Scheduling;

namespace CleanWallet.Api.Tests.Holds;

/// <summary>The hold-expiry job on the real clustered scheduler (real clock).</summary>
public sealed class HoldExpiryJobTests(TestDatabase database) : ApiTestBase(database)
{
    protected override ApiFactory CreateFactory() =>
        ApiFactory.StartOnKestrel(Database.ConnectionString, settings: new Dictionary<string, string?> { ["Scheduling:Enabled"] = "true" });

    [Fact]
    public async Task The_hold_expiry_job_is_registered_on_its_cron_setting_and_releases_expired_holds_when_triggered()
    {
        var jobs = JsonNode.Parse(await (await AdminClient().GetAsync("/api/v1/admin/jobs")).Content.ReadAsStringAsync())!.AsArray();
        var job = jobs.Single(j => (string?)j!["name"] == "hold-expiry")!;
        Assert.Equal(new SchedulingOptions().HoldExpiryCron, (string?)job["schedule"]);

        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var placed = await Client(customer.ApiKey).SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/holds",
            new { amount = 40m, description = "Short", expiresInSeconds = 1 }));
        await AssertStatus(placed, HttpStatusCode.Created);
        var holdId = Guid.Parse((string)(await ReadJson(placed))["id"]!);
        await Task.Delay(TimeSpan.FromSeconds(1.2));

        await AssertStatus(await AdminClient().PostAsync("/api/v1/admin/jobs/hold-expiry/trigger", null), HttpStatusCode.Accepted);

        const string succeeded = "job_name = 'hold-expiry' AND status = 'Succeeded' AND (summary->>'expired')::int >= 1";
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await Database.CountAsync("job_runs", succeeded) == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(250);
        Assert.Equal(1L, await Database.CountAsync("job_runs", succeeded));
        Assert.Equal(1L, await Database.CountAsync("holds", "id = $1 AND status = 'Expired'", holdId));
        var wallet = await GetWalletAsync(customer.WalletId);
        Assert.Equal(0m, (decimal)wallet["held"]!);
        Assert.Equal(100m, (decimal)wallet["available"]!);
    }
}
