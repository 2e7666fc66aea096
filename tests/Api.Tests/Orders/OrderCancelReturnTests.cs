using System.Net;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Orders;

/// <summary>
/// Cancelling and returning orders: every refund goes back to the wallet through the order's payment (the capture of its
/// hold); a Fulfilling order cannot be cancelled.
/// </summary>
public sealed class OrderCancelReturnTests(TestDatabase database) : OrderTestBase(database)
{
    private static string CancelUrl(Guid orderId) => $"{OrderUrl(orderId)}/cancel";

    private static string ReturnsUrl(Guid orderId) => $"{OrderUrl(orderId)}/returns";

    /// <summary>Everything a refused cancel or return could have written.</summary>
    private async Task<string> WrittenStateAsync() => string.Join("|",
        await Database.CountAsync("refunds"),
        await Database.CountAsync("ledger_entries"),
        await Database.ScalarAsync<string>(
            "SELECT coalesce(string_agg(id::text || ':' || status || ':' || returned_amount::text, ',' ORDER BY id), '') FROM orders"),
        await Database.ScalarAsync<string>(
            "SELECT coalesce(string_agg(id::text || ':' || status || ':' || refunded_amount::text, ',' ORDER BY id), '') FROM payments"),
        await Database.ScalarAsync<string>(
            "SELECT coalesce(string_agg(id::text || ':' || balance::text, ',' ORDER BY id), '') FROM wallets"));

    // ---- cancel ----

    [Fact]
    public async Task Cancelling_a_Fulfilling_order_is_a_409_order_in_fulfilment_and_writes_nothing()
    {
        var customer = await FundedCustomerAsync(100m);
        var orderId = await PlacedButNotFulfilledOrderAsync(customer, 35m);
        var before = await WrittenStateAsync();

        var response = await Client(customer.ApiKey).SendAsync(Post(CancelUrl(orderId), new { reason = "Changed my mind" }));

        var problem = await AssertProblem(response, HttpStatusCode.Conflict, "order_in_fulfilment");
        Assert.Equal("Fulfilling", (string?)problem["orderStatus"]);
        Assert.Equal(before, await WrittenStateAsync());
        Assert.Equal("Active", await HoldStatusAsync(orderId));
        Assert.Equal(65m, await AvailableAsync(customer.WalletId));

        // Recovery still finishes it.
        Clock.Advance(TimeSpan.FromSeconds(LeaseSeconds));
        Assert.Equal(1, (await RecoverAsync()).Completed);
    }

    [Fact]
    public async Task Cancelling_a_just_completed_order_within_the_window_cancels_and_refunds_it()
    {
        var customer = await FundedCustomerAsync(100m);
        var orderId = IdOf(await CompletedOrderAsync(customer, 40m));
        Clock.Advance(TimeSpan.FromMinutes(CancellationWindowMinutes) - TimeSpan.FromSeconds(1));

        var response = await Client(customer.ApiKey).SendAsync(Post(CancelUrl(orderId), new { }));

        await AssertStatus(response, HttpStatusCode.OK);
        var order = await ReadJson(response);
        Assert.Equal("Cancelled", (string?)order["status"]);
        Assert.NotNull((string?)order["fulfilmentId"]);
        await AssertFullyRefundedAsync(order);
        Assert.Equal(100m, await BalanceAsync(customer.WalletId));
        Assert.Equal(1L, await Database.CountAsync("refunds", "reason = 'Order cancelled'"));
    }

    [Fact]
    public async Task Cancelling_a_completed_order_after_the_window_is_a_409_and_changes_nothing()
    {
        var customer = await FundedCustomerAsync(100m);
        var orderId = IdOf(await CompletedOrderAsync(customer, 40m));
        Clock.Advance(TimeSpan.FromMinutes(CancellationWindowMinutes) + TimeSpan.FromSeconds(1));
        var before = await WrittenStateAsync();

        var response = await Client(customer.ApiKey).SendAsync(Post(CancelUrl(orderId), new { }));

        var problem = await AssertProblem(response, HttpStatusCode.Conflict, "conflict");
        Assert.Contains("window", (string?)problem["detail"]);
        Assert.Equal(before, await WrittenStateAsync());
        Assert.Equal("Completed", (string?)(await GetOrderAsync(orderId))["status"]);
    }

    [Fact]
    public async Task Cancelling_twice_is_a_409_the_second_time_and_refunds_once()
    {
        var customer = await FundedCustomerAsync(100m);
        var orderId = IdOf(await CompletedOrderAsync(customer, 40m));
        var client = Client(customer.ApiKey);
        await AssertStatus(await client.SendAsync(Post(CancelUrl(orderId), new { })), HttpStatusCode.OK);
        var before = await WrittenStateAsync();

        var again = await client.SendAsync(Post(CancelUrl(orderId), new { }));

        await AssertProblem(again, HttpStatusCode.Conflict, "conflict");
        Assert.Equal(before, await WrittenStateAsync());
        Assert.Equal(1L, await Database.CountAsync("refunds"));
        Assert.Equal(100m, await BalanceAsync(customer.WalletId));
    }

    [Fact]
    public async Task Cancelling_a_failed_order_is_a_409_since_nothing_was_charged()
    {
        var customer = await FundedCustomerAsync(100m);
        Fulfilment.RejectNextCalls(1, "Out of stock");
        var failed = await ReadJson(await PlaceOrderAsync(customer, 20m));
        Assert.Equal("Failed", (string?)failed["status"]);

        var response = await Client(customer.ApiKey).SendAsync(Post(CancelUrl(IdOf(failed)), new { }));

        await AssertProblem(response, HttpStatusCode.Conflict, "conflict");
        Assert.Equal(0L, await Database.CountAsync("refunds"));
        Assert.Equal(0L, await Database.CountAsync("ledger_entries", "type IN ('Payment', 'Refund')"));
        Assert.Equal(100m, await BalanceAsync(customer.WalletId));
    }

    [Fact]
    public async Task Cancelling_another_customers_order_is_a_404_and_an_admin_may_cancel_any_with_an_audit_record()
    {
        var owner = await FundedCustomerAsync(100m, "Owner");
        var other = await FundedCustomerAsync(100m, "Other");
        var orderId = IdOf(await CompletedOrderAsync(owner, 40m));
        var before = await WrittenStateAsync();

        var response = await Client(other.ApiKey).SendAsync(Post(CancelUrl(orderId), new { }));

        await AssertProblem(response, HttpStatusCode.NotFound, "not_found");
        Assert.Equal(before, await WrittenStateAsync());

        var byAdmin = await AdminClient().SendAsync(Post(CancelUrl(orderId), new { reason = "Goodwill" }));
        await AssertStatus(byAdmin, HttpStatusCode.OK);
        Assert.Equal(100m, await BalanceAsync(owner.WalletId));
        Assert.Equal(1L, await Database.CountAsync("audit_log", "action = 'order.cancel' AND target_id = $1 AND amount = 40", orderId));
    }

    [Fact]
    public async Task A_replayed_cancel_answers_the_same_and_refunds_once()
    {
        var customer = await FundedCustomerAsync(100m);
        var orderId = IdOf(await CompletedOrderAsync(customer, 40m));
        var client = Client(customer.ApiKey);

        var first = await client.SendAsync(Post(CancelUrl(orderId), new { reason = "Oops" }, "cancel-1"));
        var second = await client.SendAsync(Post(CancelUrl(orderId), new { reason = "Oops" }, "cancel-1"));

        await AssertStatus(first, HttpStatusCode.OK);
        await AssertStatus(second, HttpStatusCode.OK);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1L, await Database.CountAsync("refunds"));
        Assert.Equal(100m, await BalanceAsync(customer.WalletId));
    }

    // ---- returns ----

    [Fact]
    public async Task A_partial_return_then_the_rest_returns_the_order_and_refunds_it_all()
    {
        var customer = await FundedCustomerAsync(100m);
        var orderId = IdOf(await CompletedOrderAsync(customer, 40m));
        var client = Client(customer.ApiKey);

        var partial = await client.SendAsync(Post(ReturnsUrl(orderId), new { amount = 15.5m, reason = "One pack unused" }));

        await AssertStatus(partial, HttpStatusCode.Created);
        var first = await ReadJson(partial);
        Assert.Equal(15.5m, (decimal)first["amount"]!);
        Assert.Equal("One pack unused", (string?)first["reason"]);
        var firstOrder = first["order"]!.AsObject();
        Assert.Equal("Completed", (string?)firstOrder["status"]);
        Assert.Equal(15.5m, (decimal)firstOrder["returnedAmount"]!);
        Assert.Equal("PartiallyRefunded", (string?)firstOrder["paymentStatus"]);
        var paymentId = (string)firstOrder["paymentId"]!;
        Assert.Equal($"/api/v1/payments/{paymentId}/refunds/{(string)first["refundId"]!}", partial.Headers.Location?.OriginalString);
        Assert.Equal(75.5m, await BalanceAsync(customer.WalletId));

        // No amount: whatever is left.
        var rest = await client.SendAsync(Post(ReturnsUrl(orderId), new { reason = "The rest too" }));

        await AssertStatus(rest, HttpStatusCode.Created);
        var second = await ReadJson(rest);
        Assert.Equal(24.5m, (decimal)second["amount"]!);
        var order = second["order"]!.AsObject();
        Assert.Equal("Returned", (string?)order["status"]);
        Assert.Equal(40m, (decimal)order["returnedAmount"]!);
        Assert.Equal("Refunded", (string?)order["paymentStatus"]);
        Assert.Equal(40m, (decimal)order["refundedAmount"]!);
        Assert.Equal(100m, await BalanceAsync(customer.WalletId));
        Assert.Equal(2L, await Database.CountAsync("refunds r JOIN ledger_entries e ON e.id = r.ledger_entry_id",
            "r.payment_id = $1 AND e.type = 'Refund' AND e.reference_id = $1 AND e.amount = r.amount", Guid.Parse(paymentId)));
        await AssertLedgerReconcilesAsync(customer.WalletId);

        // The refund the Location names is readable by the customer.
        await AssertStatus(await client.GetAsync(rest.Headers.Location), HttpStatusCode.OK);

        // Nothing is left to return: a Returned order is not Completed any more.
        await AssertProblem(await client.SendAsync(Post(ReturnsUrl(orderId), new { reason = "Again" })), HttpStatusCode.Conflict, "conflict");
    }

    [Fact]
    public async Task Returning_more_than_is_left_is_a_422_refund_exceeds_payment_and_changes_nothing()
    {
        var customer = await FundedCustomerAsync(100m);
        var orderId = IdOf(await CompletedOrderAsync(customer, 40m));
        var client = Client(customer.ApiKey);
        await AssertStatus(await client.SendAsync(Post(ReturnsUrl(orderId), new { amount = 30m, reason = "Most of it" })), HttpStatusCode.Created);
        var before = await WrittenStateAsync();

        var response = await client.SendAsync(Post(ReturnsUrl(orderId), new { amount = 10.01m, reason = "A cent too much" }));

        var problem = await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "refund_exceeds_payment");
        Assert.Equal(10m, (decimal)problem["refundable"]!);
        Assert.Equal(before, await WrittenStateAsync());

        var overAll = await client.SendAsync(Post(ReturnsUrl(orderId), new { amount = 41m, reason = "More than paid" }));
        await AssertProblem(overAll, HttpStatusCode.UnprocessableEntity, "refund_exceeds_payment");
        Assert.Equal(before, await WrittenStateAsync());
    }

    [Fact]
    public async Task Returning_a_failed_order_is_a_409()
    {
        var customer = await FundedCustomerAsync(100m);
        Fulfilment.RejectNextCalls(1, "Out of stock");
        var failed = await ReadJson(await PlaceOrderAsync(customer, 20m));
        var before = await WrittenStateAsync();

        var response = await Client(customer.ApiKey).SendAsync(Post(ReturnsUrl(IdOf(failed)), new { amount = 5m, reason = "Never arrived" }));

        await AssertProblem(response, HttpStatusCode.Conflict, "conflict");
        Assert.Equal(before, await WrittenStateAsync());
    }

    [Fact]
    public async Task Returning_a_Fulfilling_order_is_a_409()
    {
        var customer = await FundedCustomerAsync(100m);
        var orderId = await PlacedButNotFulfilledOrderAsync(customer, 20m);

        var response = await Client(customer.ApiKey).SendAsync(Post(ReturnsUrl(orderId), new { reason = "Not wanted" }));

        await AssertProblem(response, HttpStatusCode.Conflict, "conflict");
        Assert.Equal(0L, await Database.CountAsync("refunds"));
    }

    [Theory]
    [InlineData("""{"amount": 5}""", "reason")]
    [InlineData("""{"amount": 5, "reason": "   "}""", "reason")]
    [InlineData("""{"amount": 0, "reason": "Zero"}""", "amount")]
    [InlineData("""{"amount": 1.001, "reason": "Fraction of a cent"}""", "amount")]
    public async Task A_return_with_bad_input_is_a_400_and_changes_nothing(string json, string field)
    {
        var customer = await FundedCustomerAsync(100m);
        var orderId = IdOf(await CompletedOrderAsync(customer, 40m));
        var before = await WrittenStateAsync();

        var response = await Client(customer.ApiKey).SendAsync(PostRaw(ReturnsUrl(orderId), json));

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(problem["errors"]![field]);
        Assert.Equal(before, await WrittenStateAsync());
    }

    [Fact]
    public async Task Returning_another_customers_order_is_a_404()
    {
        var owner = await FundedCustomerAsync(100m, "Owner");
        var other = await FundedCustomerAsync(100m, "Other");
        var orderId = IdOf(await CompletedOrderAsync(owner, 40m));

        var response = await Client(other.ApiKey).SendAsync(Post(ReturnsUrl(orderId), new { reason = "Not mine" }));

        await AssertProblem(response, HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0L, await Database.CountAsync("refunds"));
    }

    [Fact]
    public async Task A_replayed_return_answers_the_same_and_refunds_once()
    {
        var customer = await FundedCustomerAsync(100m);
        var orderId = IdOf(await CompletedOrderAsync(customer, 40m));
        var client = Client(customer.ApiKey);
        var body = new { amount = 10m, reason = "One pack" };

        var first = await client.SendAsync(Post(ReturnsUrl(orderId), body, "return-1"));
        var second = await client.SendAsync(Post(ReturnsUrl(orderId), body, "return-1"));

        await AssertStatus(first, HttpStatusCode.Created);
        await AssertStatus(second, HttpStatusCode.Created);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1L, await Database.CountAsync("refunds"));
        Assert.Equal(70m, await BalanceAsync(customer.WalletId));
        Assert.Equal(10m, (decimal)(await GetOrderAsync(orderId))["returnedAmount"]!);
    }

    [Fact]
    public async Task Concurrent_returns_of_one_order_never_give_back_more_than_was_paid()
    {
        var customer = await FundedCustomerAsync(100m);
        var orderId = IdOf(await CompletedOrderAsync(customer, 40m));
        using var client = Client(customer.ApiKey);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            client.SendAsync(Post(ReturnsUrl(orderId), new { amount = 7m, reason = $"Part {i}" }))));

        // 40 / 7: five fit, the others find too little left.
        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.UnprocessableEntity));
        var order = await GetOrderAsync(orderId);
        Assert.Equal(35m, (decimal)order["returnedAmount"]!);
        Assert.Equal(35m, (decimal)order["refundedAmount"]!);
        Assert.Equal(95m, await BalanceAsync(customer.WalletId));
        await AssertLedgerReconcilesAsync(customer.WalletId);
    }
}
