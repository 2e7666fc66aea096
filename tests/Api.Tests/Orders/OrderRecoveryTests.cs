using System.Net;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Orders;

/// <summary>
/// Orders left Paid by a crash between payment and fulfilment. The crash is reproduced exactly: the endpoint's first
/// command (CreateOrderCommand) is sent alone through the API's mediator, so the order is paid and committed and the
/// fulfilment step never runs. The recovery command is then sent the way the background service sends it.
/// </summary>
public sealed class OrderRecoveryTests(TestDatabase database) : OrderTestBase(database)
{
    [Fact]
    public async Task A_stuck_order_is_completed_by_recovery_and_one_paid_more_recently_is_left_alone()
    {
        var customer = await FundedCustomerAsync(100m);
        var stuck = await PaidButUnfulfilledOrderAsync(customer, 30m);
        Clock.Advance(TimeSpan.FromSeconds(RecoverAfterSeconds - 100));
        var recent = await PaidButUnfulfilledOrderAsync(customer, 20m);
        Assert.Equal(50m, await BalanceAsync(customer.WalletId));

        // Nothing is old enough yet.
        Clock.Advance(TimeSpan.FromSeconds(99));
        var early = await RecoverAsync();
        Assert.Equal(0, early.Found);
        Assert.Equal(0, Fulfilment.CallCount);

        Clock.Advance(TimeSpan.FromSeconds(2));
        var report = await RecoverAsync();

        Assert.Equal(1, report.Found);
        Assert.Equal(1, report.Completed);
        var call = Assert.Single(Fulfilment.Calls);
        Assert.Equal(stuck.ToString(), call.IdempotencyKey);
        var order = await GetOrderAsync(stuck);
        Assert.Equal("Completed", (string?)order["status"]);
        Assert.Equal(Fulfilment.FulfilmentIdFor(stuck.ToString()), (string?)order["fulfilmentId"]);
        Assert.Equal("Paid", (string?)(await GetOrderAsync(recent))["status"]);
        Assert.Equal(50m, await BalanceAsync(customer.WalletId));

        // A second run finds nothing new: the completed order is settled, the recent one is still young.
        var again = await RecoverAsync();
        Assert.Equal(0, again.Found);
        Assert.Equal(1, Fulfilment.CallCount);
    }

    [Fact]
    public async Task A_stuck_order_whose_fulfilment_fails_is_failed_and_refunded_by_recovery()
    {
        var customer = await FundedCustomerAsync(100m);
        var stuck = await PaidButUnfulfilledOrderAsync(customer, 45m);
        Assert.Equal(55m, await BalanceAsync(customer.WalletId));
        Fulfilment.FailNextCalls(10, 503);
        Clock.Advance(TimeSpan.FromSeconds(RecoverAfterSeconds + 1));

        var report = await RecoverAsync();

        Assert.Equal(1, report.Found);
        Assert.Equal(1, report.Failed);
        Assert.Equal(MaxAttempts, Fulfilment.CallCount);
        var order = await GetOrderAsync(stuck);
        Assert.Equal("Failed", (string?)order["status"]);
        await AssertFullyRefundedAsync(order);
        Assert.Equal(100m, await BalanceAsync(customer.WalletId));
        await AssertLedgerReconcilesAsync(customer.WalletId);
    }

    [Fact]
    public async Task Recovery_takes_stuck_orders_oldest_first_and_leaves_cancelled_ones_alone()
    {
        var customer = await FundedCustomerAsync(100m);
        var first = await PaidButUnfulfilledOrderAsync(customer, 10m);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var cancelled = await PaidButUnfulfilledOrderAsync(customer, 11m);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await PaidButUnfulfilledOrderAsync(customer, 12m);
        await AssertStatus(await Client(customer.ApiKey).SendAsync(Post($"{OrderUrl(cancelled)}/cancel", new { })), HttpStatusCode.OK);
        Clock.Advance(TimeSpan.FromSeconds(RecoverAfterSeconds + 1));

        var report = await RecoverAsync();

        Assert.Equal(2, report.Found);
        Assert.Equal(2, report.Completed);
        Assert.Equal([first.ToString(), second.ToString()], Fulfilment.Calls.Select(c => c.IdempotencyKey));
        Assert.Equal("Cancelled", (string?)(await GetOrderAsync(cancelled))["status"]);
        Assert.Equal(100m - 10m - 12m, await BalanceAsync(customer.WalletId));
        await AssertLedgerReconcilesAsync(customer.WalletId);
    }

    [Fact]
    public async Task An_order_the_request_already_fulfilled_is_never_taken_up_by_recovery()
    {
        var customer = await FundedCustomerAsync(100m);
        var response = await PlaceOrderAsync(customer, 15m, idempotencyKey: "finish-me");
        await AssertStatus(response, HttpStatusCode.Created);
        var orderId = IdOf(await ReadJson(response));
        Clock.Advance(TimeSpan.FromSeconds(RecoverAfterSeconds + 1));

        var report = await RecoverAsync();

        Assert.Equal(0, report.Found);
        Assert.Equal(1, Fulfilment.CallCount);
        Assert.Equal("Completed", (string?)(await GetOrderAsync(orderId))["status"]);
    }
}

/// <summary>The background service runs the recovery step by itself, on its interval, in a scope of its own.</summary>
public sealed class OrderRecoveryServiceTests(TestDatabase database) : OrderTestBase(database)
{
    protected override int RecoveryIntervalSeconds => 1;

    [Fact]
    public async Task The_background_service_completes_a_stuck_order_without_being_asked()
    {
        var customer = await FundedCustomerAsync(100m);
        var stuck = await PaidButUnfulfilledOrderAsync(customer, 30m);
        Clock.Advance(TimeSpan.FromSeconds(RecoverAfterSeconds + 1));

        var deadline = DateTime.UtcNow.AddSeconds(15);
        string? status;
        do
        {
            await Task.Delay(200);
            status = await Database.ScalarAsync<string>("SELECT status FROM orders WHERE id = $1", stuck);
        }
        while (status == "Paid" && DateTime.UtcNow < deadline);

        Assert.Equal("Completed", status);
        Assert.Equal(stuck.ToString(), Assert.Single(Fulfilment.Calls).IdempotencyKey);
    }
}
