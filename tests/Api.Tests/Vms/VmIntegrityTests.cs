using System.Net;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Vms;

/// <summary>The integrity check accounts for every hour of a VM's life: billed, or recorded as not run.</summary>
public sealed class VmIntegrityTests(TestDatabase database) : VmTestBase(database)
{
    private const string SkippedVmHours = "skipped_vm_hours";

    [Fact]
    public async Task Hours_billed_or_idle_account_for_a_vms_life_and_a_billed_through_moved_past_unbilled_hours_is_reported()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 400m);
        var client = Client(customer.ApiKey);
        var vm = IdOf(await ProvisionAsync(client, customer.WalletId));
        var other = IdOf(await ProvisionAsync(client, customer.WalletId, name: "other"));
        Clock.Now = Hour(11).AddMinutes(10);
        await ActAsync(client, vm, "stop");
        Clock.Now = Hour(14).AddMinutes(20);
        await ActAsync(client, vm, "start");
        await client.DeleteAsync($"/api/v1/vms/{other}");
        Clock.Now = Hour(16).AddMinutes(5);
        await ActAsync(client, vm, "resize", new { size = "Medium" });

        // 10 and 11 billed, 12 and 13 idle, 14 and 15 billed: six hours up to 16:00, all accounted for.
        Assert.Equal(1L, await Database.CountAsync("vm_idle_periods", "vm_id = $1", vm));
        Assert.DoesNotContain(SkippedVmHours, KindsOf(await RunCheckAsync(), customer.WalletId));

        // billed_through moved three hours on without billing them or recording them as not run.
        await Database.ScalarAsync<long>(
            "WITH u AS (UPDATE vms SET billed_through = billed_through + interval '3 hours' WHERE id = $1 RETURNING 1) SELECT count(*) FROM u", vm);

        var report = await RunCheckAsync();

        var issue = Assert.Single(Issues(report), i => (string?)i!["kind"] == SkippedVmHours)!;
        Assert.Equal(customer.WalletId, Guid.Parse((string)issue["walletId"]!));
        var detail = (string)issue["detail"]!;
        Assert.Contains(vm.ToString(), detail);
        Assert.Contains("9 hour(s) since its creation hour, but 4 have a usage row and 2 were recorded as not run", detail);
    }

    private async Task<JsonObject> RunCheckAsync()
    {
        var response = await AdminClient().PostAsync("/api/v1/admin/integrity-checks", null);
        await AssertStatus(response, HttpStatusCode.Created);
        return await ReadJson(response);
    }

    private static JsonArray Issues(JsonObject report) => report["issues"]!.AsArray();

    private static string[] KindsOf(JsonObject report, Guid walletId) =>
        Issues(report).Where(i => Guid.Parse((string)i!["walletId"]!) == walletId).Select(i => (string)i!["kind"]!).ToArray();
}
