using System.Diagnostics;
using System.Net;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Orders;

/// <summary>
/// Placing an order on a hold: the order and a hold of its amount in one transaction, then fulfilment over real HTTP
/// with retries and a timeout, then a capture (Completed), a void (Failed) or nothing yet (Fulfilling, unclear answer).
/// </summary>
public sealed class OrderFulfilmentTests(TestDatabase database) : OrderTestBase(database)
{
    [Fact]
    public async Task A_fulfilled_order_is_Completed_its_hold_Captured_by_the_orders_one_Payment_entry()
    {
        var customer = await FundedCustomerAsync(100m);

        var response = await PlaceOrderAsync(customer, 40.25m, "Two VM credit packs");

        await AssertStatus(response, HttpStatusCode.Created);
        var order = await ReadJson(response);
        var orderId = IdOf(order);
        Assert.Equal($"/api/v1/orders/{orderId}", response.Headers.Location?.OriginalString);
        Assert.Equal("Completed", (string?)order["status"]);
        Assert.Equal(40.25m, (decimal)order["amount"]!);
        Assert.Equal("ZAR", (string?)order["currency"]);
        Assert.Equal(customer.WalletId.ToString(), (string?)order["walletId"]);
        Assert.Equal(1, (int)order["fulfilmentAttempts"]!);
        Assert.Equal("Paid", (string?)order["paymentStatus"]);
        Assert.Equal(0m, (decimal)order["refundedAmount"]!);
        Assert.Null(order["failureReason"]);

        // The service got one call, keyed by the order id, and the id it answered is the one stored.
        var call = Assert.Single(Fulfilment.Calls);
        Assert.Equal(orderId.ToString(), call.IdempotencyKey);
        Assert.Equal(orderId, call.OrderId);
        Assert.Equal(customer.CustomerId, call.CustomerId);
        Assert.Equal(40.25m, call.Amount);
        Assert.Equal("Two VM credit packs", call.Description);
        var fulfilmentId = Fulfilment.FulfilmentIdFor(orderId.ToString());
        Assert.NotNull(fulfilmentId);
        Assert.Equal(fulfilmentId, (string?)order["fulfilmentId"]);

        // One Payment entry, by the Wallet payment that captured the order's hold; the order names that payment.
        var paymentId = Guid.Parse((string)order["paymentId"]!);
        Assert.Equal(59.75m, await BalanceAsync(customer.WalletId));
        Assert.Equal(59.75m, await AvailableAsync(customer.WalletId));
        Assert.Equal(1L, await Database.CountAsync("ledger_entries", "type = 'Payment'"));
        Assert.Equal(1L, await Database.CountAsync("holds h JOIN payments p ON p.id = h.payment_id JOIN ledger_entries e ON e.id = p.ledger_entry_id",
            "h.order_id = $1 AND h.status = 'Captured' AND h.captured_amount = 40.25 AND p.id = $2 AND p.hold_id = h.id " +
            "AND p.method = 'Wallet' AND p.status = 'Paid' AND p.amount = 40.25 AND e.type = 'Payment' AND e.amount = 40.25 " +
            "AND e.reference_type = 'payment' AND e.reference_id = p.id", orderId, paymentId));
        Assert.Equal(1L, await Database.CountAsync("orders",
            "id = $1 AND status = 'Completed' AND payment_id = $2 AND fulfilment_id = $3 AND paid_at IS NOT NULL " +
            "AND fulfilment_lease_until IS NULL AND fulfilment_lease_token IS NULL", orderId, paymentId, fulfilmentId!));
        Assert.Equal(0m, await Database.ScalarAsync<decimal>("SELECT held FROM wallets WHERE id = $1", customer.WalletId));
        await AssertLedgerReconcilesAsync(customer.WalletId);
    }

    [Fact]
    public async Task Order_items_adding_up_to_the_amount_are_kept_and_sent_to_the_fulfilment_service()
    {
        var customer = await FundedCustomerAsync(100m);
        var items = new[]
        {
            new { sku = "VM-SMALL-1M", quantity = 2, unitPrice = 15.5m },
            new { sku = "SUPPORT", quantity = 1, unitPrice = 0m },
        };

        var response = await Client(customer.ApiKey).SendAsync(Post(OrdersUrl,
            new { walletId = customer.WalletId, amount = 31m, description = "Bundle", items }));

        await AssertStatus(response, HttpStatusCode.Created);
        var stored = await GetOrderAsync(IdOf(await ReadJson(response)));
        var lines = stored["items"]!.AsArray();
        Assert.Equal(2, lines.Count);
        Assert.Equal("VM-SMALL-1M", (string?)lines[0]!["sku"]);
        Assert.Equal(15.5m, (decimal)lines[0]!["unitPrice"]!);
        Assert.Equal(2, Assert.Single(Fulfilment.Calls).ItemCount);
    }

    [Theory]
    [InlineData(30.99)]
    [InlineData(31.01)]
    public async Task Items_not_adding_up_to_the_amount_are_a_422_amount_mismatch_with_nothing_held_or_sent(decimal amount)
    {
        var customer = await FundedCustomerAsync(100m);
        var items = new[] { new { sku = "VM-SMALL-1M", quantity = 2, unitPrice = 15.5m } };

        var response = await Client(customer.ApiKey).SendAsync(Post(OrdersUrl,
            new { walletId = customer.WalletId, amount, description = "Bundle", items }));

        await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "amount_mismatch");
        Assert.Equal(0L, await Database.CountAsync("orders"));
        Assert.Equal(0L, await Database.CountAsync("holds"));
        Assert.Equal(0, Fulfilment.CallCount);
        Assert.Equal(100m, await AvailableAsync(customer.WalletId));
    }

    [Fact]
    public async Task Insufficient_funds_is_a_422_with_no_order_no_hold_and_no_fulfilment_call()
    {
        var customer = await FundedCustomerAsync(10m);

        var response = await PlaceOrderAsync(customer, 10.01m);

        await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        Assert.Equal(0L, await Database.CountAsync("orders"));
        Assert.Equal(0L, await Database.CountAsync("holds"));
        Assert.Equal(0L, await Database.CountAsync("ledger_entries", "type = 'Payment'"));
        Assert.Equal(0, Fulfilment.CallCount);
        Assert.Equal(10m, await BalanceAsync(customer.WalletId));
    }

    [Fact]
    public async Task A_frozen_wallet_is_a_422_wallet_frozen_and_writes_nothing()
    {
        var customer = await FundedCustomerAsync(100m);
        await AssertStatus(await AdminClient().SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/freeze", new { reason = "Chargeback" })),
            HttpStatusCode.OK);

        var response = await PlaceOrderAsync(customer, 5m);

        await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "wallet_frozen");
        Assert.Equal(0L, await Database.CountAsync("orders"));
        Assert.Equal(0L, await Database.CountAsync("holds"));
        Assert.Equal(0, Fulfilment.CallCount);
    }

    [Fact]
    public async Task A_422_refusal_fails_the_order_voids_its_hold_writes_no_ledger_entry_and_restores_available()
    {
        var customer = await FundedCustomerAsync(100m);
        Fulfilment.RejectNextCalls(1, "SKU discontinued");

        var response = await PlaceOrderAsync(customer, 12.5m);

        await AssertStatus(response, HttpStatusCode.Created);
        var order = await ReadJson(response);
        Assert.Equal("Failed", (string?)order["status"]);
        Assert.Equal("SKU discontinued", (string?)order["failureReason"]);
        Assert.Equal(1, (int)order["fulfilmentAttempts"]!);
        Assert.Null(order["paymentId"]);
        Assert.Null(order["paymentStatus"]);
        Assert.Equal(1, Fulfilment.CallCount);
        Assert.Equal("Voided", await HoldStatusAsync(IdOf(order)));
        Assert.Equal(100m, await BalanceAsync(customer.WalletId));
        Assert.Equal(100m, await AvailableAsync(customer.WalletId));
        Assert.Equal(0L, await Database.CountAsync("ledger_entries", "type IN ('Payment', 'Refund')"));
        Assert.Equal(0L, await Database.CountAsync("payments", "method = 'Wallet'"));
        Assert.Equal(0L, await Database.CountAsync("refunds"));
        await AssertLedgerReconcilesAsync(customer.WalletId);
    }

    [Fact]
    public async Task A_service_failing_every_attempt_leaves_the_order_Fulfilling_with_its_amount_held_and_no_ledger_entry()
    {
        var customer = await FundedCustomerAsync(100m);
        Fulfilment.FailNextCalls(10, 503);

        var response = await PlaceOrderAsync(customer, 40m, idempotencyKey: "order-503");

        // Still a 201: the order exists; its outcome is not known, so its amount stays held for recovery.
        await AssertStatus(response, HttpStatusCode.Created);
        var order = await ReadJson(response);
        var orderId = IdOf(order);
        Assert.Equal("Fulfilling", (string?)order["status"]);
        Assert.Equal(MaxAttempts, (int)order["fulfilmentAttempts"]!);
        Assert.Null(order["paymentId"]);
        Assert.Equal("Active", await HoldStatusAsync(orderId));
        Assert.Equal(100m, await BalanceAsync(customer.WalletId));
        Assert.Equal(60m, await AvailableAsync(customer.WalletId));
        Assert.Equal(0L, await Database.CountAsync("ledger_entries", "type = 'Payment'"));
        // The lease is given up; recovery may ask again once RecoverAfterSeconds have passed.
        Assert.Equal(1L, await Database.CountAsync("orders",
            "id = $1 AND fulfilment_lease_token IS NULL AND fulfilment_lease_until = $2", orderId, Clock.GetUtcNow().AddSeconds(RecoverAfterSeconds)));

        // Three attempts, one idempotency key (the order id), waits growing between them.
        var calls = Fulfilment.Calls;
        Assert.Equal([503, 503, 503], calls.Select(c => c.PlannedStatusCode));
        Assert.Equal(orderId.ToString(), Assert.Single(calls.Select(c => c.IdempotencyKey).Distinct()));
        var gaps = (calls[1].ReceivedAt - calls[0].ReceivedAt) + (calls[2].ReceivedAt - calls[1].ReceivedAt);
        Assert.True(gaps >= TimeSpan.FromMilliseconds(RetryBaseDelayMilliseconds * 1.3), $"The two retries waited only {gaps.TotalMilliseconds:F0} ms.");
    }

    [Fact]
    public async Task A_service_slower_than_the_timeout_leaves_the_order_Fulfilling_within_a_bounded_time()
    {
        var customer = await FundedCustomerAsync(100m);
        Fulfilment.DelayNextCalls(10, TimeSpan.FromSeconds(3));

        var stopwatch = Stopwatch.StartNew();
        var response = await PlaceOrderAsync(customer, 25m);
        stopwatch.Stop();

        await AssertStatus(response, HttpStatusCode.Created);
        var order = await ReadJson(response);
        Assert.Equal("Fulfilling", (string?)order["status"]);
        Assert.Equal(MaxAttempts, Fulfilment.CallCount);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(8), $"The API took {stopwatch.Elapsed} to give up.");
        Assert.Equal("Active", await HoldStatusAsync(IdOf(order)));
        Assert.Equal(75m, await AvailableAsync(customer.WalletId));
    }

    [Theory]
    [InlineData(409)]
    [InlineData(200)]
    public async Task An_in_progress_409_or_a_2xx_without_a_fulfilment_id_is_unclear_and_keeps_the_order_Fulfilling(int answer)
    {
        var customer = await FundedCustomerAsync(100m);
        if (answer == 409)
            Fulfilment.FailNextCalls(10, 409);
        else
            Fulfilment.AnswerWithoutIdNextCalls(10);

        var response = await PlaceOrderAsync(customer, 20m);

        await AssertStatus(response, HttpStatusCode.Created);
        var order = await ReadJson(response);
        Assert.Equal("Fulfilling", (string?)order["status"]);
        Assert.Equal("Active", await HoldStatusAsync(IdOf(order)));
        Assert.Equal(0L, await Database.CountAsync("ledger_entries", "type = 'Payment'"));
        Assert.Equal(0, Fulfilment.DistinctFulfilments);
    }

    [Fact]
    public async Task Two_503s_then_success_complete_the_order_after_three_attempts()
    {
        var customer = await FundedCustomerAsync(100m);
        Fulfilment.FailNextCalls(2, 503);

        var response = await PlaceOrderAsync(customer, 30m);

        await AssertStatus(response, HttpStatusCode.Created);
        var order = await ReadJson(response);
        Assert.Equal("Completed", (string?)order["status"]);
        Assert.Equal(3, (int)order["fulfilmentAttempts"]!);
        Assert.Equal([503, 503, 200], Fulfilment.Calls.Select(c => c.PlannedStatusCode));
        Assert.Equal(1, Fulfilment.DistinctFulfilments);
        Assert.Equal(70m, await BalanceAsync(customer.WalletId));
        Assert.Equal(1L, await Database.CountAsync("ledger_entries", "type = 'Payment'"));
    }

    [Fact]
    public async Task A_replay_with_the_same_key_answers_the_recorded_outcome_with_one_payment_and_one_fulfilment_call()
    {
        var customer = await FundedCustomerAsync(100m);
        var client = Client(customer.ApiKey);

        var first = await PlaceOrderAsync(customer, 40m, idempotencyKey: "order-once", client: client);
        var second = await PlaceOrderAsync(customer, 40m, idempotencyKey: "order-once", client: client);

        await AssertStatus(first, HttpStatusCode.Created);
        await AssertStatus(second, HttpStatusCode.Created);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        var replayed = await ReadJson(second);
        Assert.Equal("Completed", (string?)replayed["status"]);
        Assert.Equal(1, Fulfilment.CallCount);
        Assert.Equal(1L, await Database.CountAsync("orders"));
        Assert.Equal(1L, await Database.CountAsync("holds"));
        Assert.Equal(1L, await Database.CountAsync("ledger_entries", "type = 'Payment'"));
        Assert.Equal(60m, await BalanceAsync(customer.WalletId));

        var reused = await PlaceOrderAsync(customer, 41m, idempotencyKey: "order-once", client: client);
        await AssertProblem(reused, HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Equal(1L, await Database.CountAsync("orders"));
    }

    [Fact]
    public async Task A_replay_of_a_failed_order_answers_Failed_without_asking_the_service_again()
    {
        var customer = await FundedCustomerAsync(100m);
        var client = Client(customer.ApiKey);
        Fulfilment.RejectNextCalls(1, "Out of stock");

        var first = await PlaceOrderAsync(customer, 40m, idempotencyKey: "fail-once", client: client);
        var second = await PlaceOrderAsync(customer, 40m, idempotencyKey: "fail-once", client: client);

        Assert.Equal("Failed", (string?)(await ReadJson(first))["status"]);
        Assert.Equal("Failed", (string?)(await ReadJson(second))["status"]);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, Fulfilment.CallCount);
        Assert.Equal(100m, await AvailableAsync(customer.WalletId));
    }
}
