using System.Net;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Api.Tests.Integrity;
using Microsoft.Extensions.DependencyInjection;

namespace CleanWallet.Api.Tests.Holds;

public sealed class HoldIntegrityTests(TestDatabase database) : IntegrityTestBase(database)
{
    private readonly MutableClock _clock = new(DateTimeOffset.UtcNow);

    protected override ApiFactory CreateFactory() =>
        ApiFactory.StartOnKestrel(Database.ConnectionString, services => services.AddSingleton<TimeProvider>(_clock));

    private async Task<Guid> PlaceHoldAsync(TestCustomer customer, decimal amount)
    {
        var response = await Client(customer.ApiKey).SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/holds",
            new { amount, description = "Reservation" }));
        await AssertStatus(response, HttpStatusCode.Created);
        return Guid.Parse((string)(await ReadJson(response))["id"]!);
    }

    [Fact]
    public async Task Placed_captured_and_voided_holds_leave_a_clean_report()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var captured = await PlaceHoldAsync(customer, 30m);
        var voided = await PlaceHoldAsync(customer, 20m);
        await PlaceHoldAsync(customer, 10m);
        await AssertStatus(await Client(customer.ApiKey).SendAsync(Post($"/api/v1/holds/{captured}/capture", new { amount = 25m })),
            HttpStatusCode.Created);
        await AssertStatus(await Client(customer.ApiKey).PostAsync($"/api/v1/holds/{voided}/void", null), HttpStatusCode.OK);

        AssertNoIssues(await RunCheckAsync());
    }

    [Fact]
    public async Task A_held_total_that_is_not_the_sum_of_the_active_holds_is_a_held_mismatch()
    {
        var customer = await CreateCustomerAsync();
        var other = await CreateCustomerAsync(name: "Other");
        await TopUpAsync(customer.WalletId, 100m);
        await TopUpAsync(other.WalletId, 100m);
        await PlaceHoldAsync(customer, 30m);
        await PlaceHoldAsync(customer, 12.5m);
        await PlaceHoldAsync(other, 5m);

        await CorruptAsync("UPDATE wallets SET held = held + 5.00 WHERE id = $1", customer.WalletId);
        var report = await RunCheckAsync();

        Assert.Equal(["held_mismatch"], KindsOf(report, customer.WalletId));
        Assert.Equal("held is 47.50 but its 2 Active hold(s) add up to 42.50",
            (string?)IssueOf(report, customer.WalletId, "held_mismatch")["detail"]);
        Assert.Empty(KindsOf(report, other.WalletId));
        Assert.Equal(1L, (long)report["issueCount"]!);
    }

    [Fact]
    public async Task A_capture_payment_that_no_longer_names_its_hold_is_a_hold_capture_mismatch()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var holdId = await PlaceHoldAsync(customer, 30m);
        var capture = await Client(customer.ApiKey).SendAsync(Post($"/api/v1/holds/{holdId}/capture", new { amount = 25m }));
        await AssertStatus(capture, HttpStatusCode.Created);
        var paymentId = (string?)(await ReadJson(capture))["id"];

        await CorruptAsync("UPDATE payments SET hold_id = NULL WHERE hold_id = $1", holdId);
        var report = await RunCheckAsync();

        Assert.Equal(["hold_capture_mismatch"], KindsOf(report, customer.WalletId));
        Assert.Equal($"hold {holdId} is Captured for 25.00 ZAR by payment {paymentId}, but the payment names hold none",
            (string?)IssueOf(report, customer.WalletId, "hold_capture_mismatch")["detail"]);
    }

    [Fact]
    public async Task A_hold_closed_behind_the_wallets_back_is_a_held_mismatch()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var holdId = await PlaceHoldAsync(customer, 30m);

        await CorruptAsync("UPDATE holds SET status = 'Voided', closed_at = now() WHERE id = $1", holdId);
        var report = await RunCheckAsync();

        Assert.Equal("held is 30.00 but its 0 Active hold(s) add up to 0.00",
            (string?)IssueOf(report, customer.WalletId, "held_mismatch")["detail"]);
    }
}
