using System.Diagnostics;
using System.Net;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Orders;

/// <summary>Placing an order: the payment in one transaction, then fulfilment over real HTTP with retries and a timeout.</summary>
public sealed class OrderFulfilmentTests(TestDatabase database) : OrderTestBase(database)
{
    [Fact]
    public async Task An_order_is_paid_and_fulfilled_Completed_with_the_fulfilment_id_and_the_wallet_debited_once()
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
        Assert.Equal(customer.CustomerId.ToString(), (string?)order["customerId"]);
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
        Assert.Equal("ZAR", call.Currency);
        Assert.Equal("Two VM credit packs", call.Description);
        var fulfilmentId = Fulfilment.FulfilmentIdFor(orderId.ToString());
        Assert.NotNull(fulfilmentId);
        Assert.Equal(fulfilmentId, (string?)order["fulfilmentId"]);

        // One debit, by a Paid wallet payment linked both ways with its entry, and the order names that payment.
        Assert.Equal(59.75m, await BalanceAsync(customer.WalletId));
        var paymentId = Guid.Parse((string)order["paymentId"]!);
        Assert.Equal(1L, await Database.CountAsync("ledger_entries", "type = 'Payment'"));
        Assert.Equal(1L, await Database.CountAsync("payments p JOIN ledger_entries e ON e.id = p.ledger_entry_id",
            "p.id = $1 AND p.method = 'Wallet' AND p.status = 'Paid' AND p.amount = 40.25 AND p.external_reference = $2 " +
            "AND e.type = 'Payment' AND e.amount = 40.25 AND e.reference_type = 'payment' AND e.reference_id = p.id",
            paymentId, $"order:{orderId}"));
        Assert.Equal(1L, await Database.CountAsync("orders",
            "id = $1 AND status = 'Completed' AND payment_id = $2 AND fulfilment_id = $3 AND paid_at IS NOT NULL AND fulfilment_attempts = 1",
            orderId, paymentId, fulfilmentId!));
        await AssertLedgerReconcilesAsync(customer.WalletId);

        var stored = await ReadJson(await Client(customer.ApiKey).GetAsync(OrderUrl(orderId)));
        Assert.Equal("Completed", (string?)stored["status"]);
        Assert.Equal(fulfilmentId, (string?)stored["fulfilmentId"]);
    }

    [Fact]
    public async Task Order_items_are_kept_with_the_order_and_sent_to_the_fulfilment_service()
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
        var order = await ReadJson(response);
        var stored = await GetOrderAsync(IdOf(order));
        var lines = stored["items"]!.AsArray();
        Assert.Equal(2, lines.Count);
        Assert.Equal("VM-SMALL-1M", (string?)lines[0]!["sku"]);
        Assert.Equal(2, (int)lines[0]!["quantity"]!);
        Assert.Equal(15.5m, (decimal)lines[0]!["unitPrice"]!);
        Assert.Equal("SUPPORT", (string?)lines[1]!["sku"]);
        Assert.Equal(2, Assert.Single(Fulfilment.Calls).ItemCount);
    }

    [Fact]
    public async Task Insufficient_funds_is_a_422_with_no_order_no_payment_and_no_fulfilment_call()
    {
        var customer = await FundedCustomerAsync(10m);

        var response = await PlaceOrderAsync(customer, 10.01m);

        var problem = await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        Assert.Equal(10.01m, (decimal)problem["required"]!);
        Assert.Equal(0L, await Database.CountAsync("orders"));
        Assert.Equal(0L, await Database.CountAsync("payments", "method = 'Wallet'"));
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
        Assert.Equal(0L, await Database.CountAsync("payments", "method = 'Wallet'"));
        Assert.Equal(0, Fulfilment.CallCount);
        Assert.Equal(100m, await BalanceAsync(customer.WalletId));
    }

    [Fact]
    public async Task A_fulfilment_service_failing_every_attempt_fails_the_order_and_refunds_the_payment()
    {
        var customer = await FundedCustomerAsync(100m);
        Fulfilment.FailNextCalls(10, 503);

        var response = await PlaceOrderAsync(customer, 40m, idempotencyKey: "order-503");

        // Still a 201: the order exists; it says Failed and shows its refund.
        await AssertStatus(response, HttpStatusCode.Created);
        var order = await ReadJson(response);
        var orderId = IdOf(order);
        Assert.Equal("Failed", (string?)order["status"]);
        Assert.Equal(MaxAttempts, (int)order["fulfilmentAttempts"]!);
        Assert.Contains("503", (string?)order["failureReason"]);
        Assert.Null(order["fulfilmentId"]);
        await AssertFullyRefundedAsync(order);

        // The customer is exactly where they were: debited and credited back, every movement in the ledger.
        Assert.Equal(100m, await BalanceAsync(customer.WalletId));
        Assert.Equal(1L, await Database.CountAsync("ledger_entries", "type = 'Payment' AND amount = 40"));
        Assert.Equal(1L, await Database.CountAsync("ledger_entries", "type = 'Refund' AND amount = 40 AND actor = 'system:order-fulfilment'"));
        await AssertLedgerReconcilesAsync(customer.WalletId);

        // Three attempts, one idempotency key (the order id), waits growing between them. Polly's exponential backoff
        // with decorrelated jitter: neither gap alone nor their order is guaranteed, but their sum is at least ~1.38x
        // the base delay (see CardGatewayHttpTests).
        var calls = Fulfilment.Calls;
        Assert.Equal(MaxAttempts, calls.Count);
        Assert.Equal([503, 503, 503], calls.Select(c => c.PlannedStatusCode));
        Assert.Equal(orderId.ToString(), Assert.Single(calls.Select(c => c.IdempotencyKey).Distinct()));
        var firstGap = calls[1].ReceivedAt - calls[0].ReceivedAt;
        var secondGap = calls[2].ReceivedAt - calls[1].ReceivedAt;
        Assert.True(firstGap > TimeSpan.Zero && secondGap > TimeSpan.Zero, $"Gaps {firstGap}, {secondGap}.");
        Assert.True(firstGap + secondGap >= TimeSpan.FromMilliseconds(RetryBaseDelayMilliseconds * 1.3),
            $"The two retries waited only {firstGap.TotalMilliseconds:F0} ms and {secondGap.TotalMilliseconds:F0} ms.");
        Assert.True(firstGap + secondGap < TimeSpan.FromSeconds(2), $"Gaps {firstGap}, {secondGap}.");
        Assert.Equal(0, Fulfilment.DistinctFulfilments);
    }

    [Fact]
    public async Task A_fulfilment_service_slower_than_the_timeout_fails_the_order_and_refunds_it_within_a_bounded_time()
    {
        var customer = await FundedCustomerAsync(100m);
        Fulfilment.DelayNextCalls(10, TimeSpan.FromSeconds(3));

        var stopwatch = Stopwatch.StartNew();
        var response = await PlaceOrderAsync(customer, 25m);
        stopwatch.Stop();

        await AssertStatus(response, HttpStatusCode.Created);
        var order = await ReadJson(response);
        Assert.Equal("Failed", (string?)order["status"]);
        Assert.Contains("did not answer within 1 s", (string?)order["failureReason"]);
        await AssertFullyRefundedAsync(order);
        Assert.Equal(MaxAttempts, Fulfilment.CallCount);
        // Three attempts of at most 1 s each plus short backoffs, not the fake's 3 s each.
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(8), $"The API took {stopwatch.Elapsed} to give up.");
        Assert.Equal(0, Fulfilment.DistinctFulfilments);
        Assert.Equal(100m, await BalanceAsync(customer.WalletId));
        await AssertLedgerReconcilesAsync(customer.WalletId);
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
        Assert.Single(Fulfilment.Calls.Select(c => c.IdempotencyKey).Distinct());
        Assert.Equal(1, Fulfilment.DistinctFulfilments);
        Assert.Equal(Fulfilment.FulfilmentIdFor(IdOf(order).ToString()), (string?)order["fulfilmentId"]);
        Assert.Equal(70m, await BalanceAsync(customer.WalletId));
        Assert.Equal(0L, await Database.CountAsync("refunds"));
    }

    [Fact]
    public async Task A_422_refusal_fails_the_order_after_one_attempt_and_refunds_it()
    {
        var customer = await FundedCustomerAsync(100m);
        Fulfilment.RejectNextCalls(1, "SKU discontinued");

        var response = await PlaceOrderAsync(customer, 12.5m);

        await AssertStatus(response, HttpStatusCode.Created);
        var order = await ReadJson(response);
        Assert.Equal("Failed", (string?)order["status"]);
        Assert.Equal("SKU discontinued", (string?)order["failureReason"]);
        Assert.Equal(1, (int)order["fulfilmentAttempts"]!);
        Assert.Equal(1, Fulfilment.CallCount);
        await AssertFullyRefundedAsync(order);
        Assert.Equal(100m, await BalanceAsync(customer.WalletId));
        Assert.Equal(1L, await Database.CountAsync("ledger_entries", "type = 'Refund' AND description LIKE '%SKU discontinued%'"));
        await AssertLedgerReconcilesAsync(customer.WalletId);
    }

    [Fact]
    public async Task A_replay_with_the_same_key_is_the_same_order_with_one_debit_and_one_fulfilment_call()
    {
        var customer = await FundedCustomerAsync(100m);
        var client = Client(customer.ApiKey);

        var first = await PlaceOrderAsync(customer, 40m, idempotencyKey: "order-once", client: client);
        var second = await PlaceOrderAsync(customer, 40m, idempotencyKey: "order-once", client: client);

        await AssertStatus(first, HttpStatusCode.Created);
        await AssertStatus(second, HttpStatusCode.Created);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        var firstOrder = await ReadJson(first);
        var secondOrder = await ReadJson(second);
        Assert.Equal(IdOf(firstOrder), IdOf(secondOrder));
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal("Completed", (string?)secondOrder["status"]);
        Assert.Equal((string?)firstOrder["fulfilmentId"], (string?)secondOrder["fulfilmentId"]);
        Assert.Equal(1, Fulfilment.CallCount);
        Assert.Equal(1L, await Database.CountAsync("orders"));
        Assert.Equal(1L, await Database.CountAsync("ledger_entries", "type = 'Payment'"));
        Assert.Equal(60m, await BalanceAsync(customer.WalletId));

        var reused = await PlaceOrderAsync(customer, 41m, idempotencyKey: "order-once", client: client);
        await AssertProblem(reused, HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Equal(1L, await Database.CountAsync("orders"));
    }
}
