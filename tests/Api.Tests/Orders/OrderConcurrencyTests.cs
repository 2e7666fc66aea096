using System.Net;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Orders;

/// <summary>Orders racing each other, and other movements racing the fulfilment call, over real parallel requests.</summary>
public sealed class OrderConcurrencyTests(TestDatabase database) : OrderTestBase(database)
{
    [Fact]
    public async Task Parallel_orders_on_one_wallet_never_overdraw_it()
    {
        var customer = await FundedCustomerAsync(100m);
        using var client = Client(customer.ApiKey);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => PlaceOrderAsync(customer, 15m, $"Parallel {i}", client: client)));

        Assert.Equal(6, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(4, responses.Count(r => r.StatusCode == HttpStatusCode.UnprocessableEntity));
        Assert.Equal(10m, await BalanceAsync(customer.WalletId));
        Assert.Equal(6L, await Database.CountAsync("orders", "status = 'Completed'"));
        Assert.Equal(6, Fulfilment.DistinctFulfilments);
        await AssertLedgerReconcilesAsync(customer.WalletId);
    }

    [Fact]
    public async Task Parallel_replays_of_one_order_have_one_effect()
    {
        var customer = await FundedCustomerAsync(100m);
        using var client = Client(customer.ApiKey);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => PlaceOrderAsync(customer, 15m, idempotencyKey: "burst", client: client)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var ids = await Task.WhenAll(responses.Select(async r => IdOf(await ReadJson(r))));
        Assert.Single(ids.Distinct());
        Assert.Equal(1L, await Database.CountAsync("orders"));
        Assert.Equal(1L, await Database.CountAsync("holds"));
        Assert.Equal(1L, await Database.CountAsync("ledger_entries", "type = 'Payment'"));
        Assert.Equal(85m, await BalanceAsync(customer.WalletId));
        // Replays racing the first request may ask the service again, always under the order's key: it fulfils once.
        Assert.Equal(1, Fulfilment.DistinctFulfilments);
        Assert.Single(Fulfilment.Calls.Select(c => c.IdempotencyKey).Distinct());
        Assert.Equal("Completed", (string?)(await GetOrderAsync(ids[0]))["status"]);
    }

    [Fact]
    public async Task No_row_is_locked_during_the_fulfilment_call_so_a_cancel_is_answered_409_order_in_fulfilment_at_once()
    {
        var customer = await FundedCustomerAsync(100m);
        Fulfilment.DelayNextCalls(1, TimeSpan.FromMilliseconds(700));

        var placing = PlaceOrderAsync(customer, 40m);
        await WaitForFulfilmentCallAsync();
        var orderId = Guid.Parse(await Database.ScalarAsync<string>("SELECT id::text FROM orders"));

        // The order and wallet rows are free while the service thinks: the cancel does not wait for it.
        var cancel = await Client(customer.ApiKey).SendAsync(Post($"{OrderUrl(orderId)}/cancel", new { reason = "Too slow" }));
        Assert.False(placing.IsCompleted, "The cancel waited for the fulfilment call: a row lock was held during it.");
        await AssertProblem(cancel, HttpStatusCode.Conflict, "order_in_fulfilment");

        var response = await placing;
        await AssertStatus(response, HttpStatusCode.Created);
        Assert.Equal("Completed", (string?)(await ReadJson(response))["status"]);
        Assert.Equal(60m, await BalanceAsync(customer.WalletId));
        await AssertLedgerReconcilesAsync(customer.WalletId);
    }

    [Fact]
    public async Task A_wallet_movement_during_a_failing_fulfilment_is_not_lost_when_the_hold_is_voided()
    {
        var customer = await FundedCustomerAsync(100m);
        Fulfilment.DelayNextCalls(1, TimeSpan.FromMilliseconds(500));
        Fulfilment.RejectNextCalls(1, "Out of stock");

        var placing = PlaceOrderAsync(customer, 40m);
        await WaitForFulfilmentCallAsync();
        Assert.Equal(60m, await AvailableAsync(customer.WalletId));
        await TopUpAsync(customer.WalletId, 5m);
        var response = await placing;

        // The void is applied to the wallet as it is after the top-up, not as the order's own step last saw it.
        await AssertStatus(response, HttpStatusCode.Created);
        Assert.Equal("Failed", (string?)(await ReadJson(response))["status"]);
        Assert.Equal(105m, await BalanceAsync(customer.WalletId));
        Assert.Equal(105m, await AvailableAsync(customer.WalletId));
        Assert.Equal(2L, await Database.CountAsync("ledger_entries"));
        await AssertLedgerReconcilesAsync(customer.WalletId);
    }

    [Fact]
    public async Task Held_orders_count_against_available_funds_so_parallel_orders_and_payments_never_overcommit_the_wallet()
    {
        var customer = await FundedCustomerAsync(100m);
        using var client = Client(customer.ApiKey);
        Fulfilment.DelayNextCalls(20, TimeSpan.FromMilliseconds(300));

        var orders = Enumerable.Range(0, 5).Select(i => PlaceOrderAsync(customer, 15m, $"Held {i}", client: client));
        var payments = Enumerable.Range(0, 5).Select(i => client.SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 15m, description = $"Payment {i}" })));
        var responses = await Task.WhenAll(orders.Concat(payments));

        Assert.Equal(6, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(4, responses.Count(r => r.StatusCode == HttpStatusCode.UnprocessableEntity));
        Assert.Equal(10m, await BalanceAsync(customer.WalletId));
        Assert.Equal(10m, await AvailableAsync(customer.WalletId));
        await AssertLedgerReconcilesAsync(customer.WalletId);
    }

    private async Task WaitForFulfilmentCallAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Fulfilment.CallCount == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The fulfilment service was never called.");
            await Task.Delay(10);
        }
    }
}
