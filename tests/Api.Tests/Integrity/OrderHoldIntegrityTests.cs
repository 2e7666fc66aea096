using System.Net;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Integrity;

/// <summary>
/// Issue 9: every order's hold must match its status (order_hold_mismatch). Orders settled by the built-in simulated
/// fulfilment service (a "[fail]" description is refused); each corruption is planted behind the application's back.
/// </summary>
public sealed class OrderHoldIntegrityTests(TestDatabase database) : IntegrityTestBase(database)
{
    private async Task<Guid> PlaceOrderAsync(TestCustomer customer, decimal amount, string description, string expectedStatus)
    {
        var response = await Client(customer.ApiKey).SendAsync(Post("/api/v1/orders", new { walletId = customer.WalletId, amount, description }));
        await AssertStatus(response, HttpStatusCode.Created);
        var order = await ReadJson(response);
        Assert.Equal(expectedStatus, (string?)order["status"]);
        return Guid.Parse((string)order["id"]!);
    }

    [Fact]
    public async Task Completed_and_failed_orders_whose_holds_match_report_nothing()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        await PlaceOrderAsync(customer, 30m, "Backup storage", "Completed");
        await PlaceOrderAsync(customer, 20m, "Backup storage [fail]", "Failed");
        var cancelled = await PlaceOrderAsync(customer, 10m, "Backup storage", "Completed");
        await AssertStatus(await Client(customer.ApiKey).SendAsync(Post($"/api/v1/orders/{cancelled}/cancel", new { })), HttpStatusCode.OK);

        AssertNoIssues(await RunCheckAsync());
    }

    [Fact]
    public async Task A_Fulfilling_order_whose_hold_was_captured_and_a_Failed_order_whose_hold_is_still_Active_are_reported()
    {
        var customer = await CreateCustomerAsync();
        var bystander = await CreateCustomerAsync(name: "Bystander");
        await TopUpAsync(customer.WalletId, 100m);
        await TopUpAsync(bystander.WalletId, 100m);
        await PlaceOrderAsync(bystander, 5m, "Backup storage", "Completed");
        var reopened = await PlaceOrderAsync(customer, 30m, "Backup storage", "Completed");
        var failed = await PlaceOrderAsync(customer, 20m, "Backup storage [fail]", "Failed");
        AssertNoIssues(await RunCheckAsync());

        // A captured order set back to Fulfilling, as if its capture had never happened.
        await CorruptAsync("UPDATE orders SET status = 'Fulfilling', payment_id = NULL, paid_at = NULL WHERE id = $1", reopened);
        // A failed order whose hold was never released: its amount stays reserved for nothing.
        await CorruptAsync("UPDATE holds SET status = 'Active', closed_at = NULL WHERE order_id = $1", failed);

        var report = await RunCheckAsync();

        Assert.Empty(KindsOf(report, bystander.WalletId));
        var issues = Issues(report).Where(i => (string?)i!["kind"] == "order_hold_mismatch").Select(i => (string)i!["detail"]!).ToArray();
        Assert.Equal(2, issues.Length);
        Assert.Contains(issues, d => d.StartsWith($"Fulfilling order {reopened} of 30.00 ZAR: its hold ", StringComparison.Ordinal) && d.Contains(" is Captured,"));
        Assert.Contains(issues, d => d.StartsWith($"Failed order {failed} of 20.00 ZAR: its hold ", StringComparison.Ordinal) && d.Contains(" is Active,"));
    }
}
