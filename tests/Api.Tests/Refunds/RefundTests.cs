using System.Net;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Refunds;

public sealed class RefundTests(TestDatabase database) : RefundTestBase(database)
{
    [Fact]
    public async Task A_full_refund_credits_the_wallet_with_a_Refund_entry_referencing_the_payment_and_is_audited()
    {
        var (customer, paymentId) = await WalletPaymentAsync(30.25m, topUp: 100m);

        var response = await RefundAsync(paymentId, new { reason = "Customer returned the goods" });

        await AssertStatus(response, HttpStatusCode.Created);
        var refund = await ReadJson(response);
        var refundId = (string)refund["id"]!;
        Assert.Equal($"/api/v1/payments/{paymentId}/refunds/{refundId}", response.Headers.Location?.OriginalString);
        Assert.Equal(paymentId.ToString(), (string?)refund["paymentId"]);
        Assert.Equal(30.25m, (decimal)refund["amount"]!);
        Assert.Equal("ZAR", (string?)refund["currency"]);
        Assert.Equal("Customer returned the goods", (string?)refund["reason"]);
        Assert.Equal("Refunded", (string?)refund["paymentStatus"]);
        Assert.Equal(30.25m, (decimal)refund["refundedAmount"]!);
        Assert.Equal(100m, (decimal)refund["walletBalance"]!);

        // The Refund entry: a credit from 69.75 back to 100.00, explained by the payment it gives back.
        var entryId = (string)refund["ledgerEntryId"]!;
        var entry = await ReadJson(await AdminClient().GetAsync($"/api/v1/wallets/{customer.WalletId}/transactions/{entryId}"));
        Assert.Equal("Refund", (string?)entry["type"]);
        Assert.Equal("Credit", (string?)entry["direction"]);
        Assert.Equal(3L, (long)entry["sequence"]!);
        Assert.Equal(30.25m, (decimal)entry["amount"]!);
        Assert.Equal(69.75m, (decimal)entry["balanceBefore"]!);
        Assert.Equal(100m, (decimal)entry["balanceAfter"]!);
        Assert.Equal("payment", (string?)entry["referenceType"]);
        Assert.Equal(paymentId.ToString(), (string?)entry["referenceId"]);

        var payment = await GetPaymentAsync(paymentId);
        Assert.Equal("Refunded", (string?)payment["status"]);
        Assert.Equal(30.25m, (decimal)payment["refundedAmount"]!);
        Assert.Equal(100m, await BalanceAsync(customer.WalletId));
        Assert.Equal(1L, await Database.CountAsync("refunds", "id = $1 AND payment_id = $2 AND ledger_entry_id = $3 AND gateway_reference IS NULL",
            Guid.Parse(refundId), paymentId, Guid.Parse(entryId)));
        await AssertLedgerReconcilesAsync(customer.WalletId);

        Assert.Equal(1L, await Database.CountAsync("audit_log",
            "action = 'payment.refund' AND target_type = 'payment' AND target_id = $1 AND amount = 30.25 AND currency = 'ZAR' " +
            "AND reason = 'Customer returned the goods' AND actor LIKE 'admin:%'", paymentId));
        var before = JsonNode.Parse(await Database.ScalarAsync<string>("SELECT before FROM audit_log WHERE target_id = $1", paymentId))!;
        var after = JsonNode.Parse(await Database.ScalarAsync<string>("SELECT after FROM audit_log WHERE target_id = $1", paymentId))!;
        Assert.Equal("Paid", (string?)before["status"]);
        Assert.Equal(0m, (decimal)before["refundedAmount"]!);
        Assert.Equal("Refunded", (string?)after["status"]);
        Assert.Equal(30.25m, (decimal)after["refundedAmount"]!);

        // The Location answers the same refund; the wallet balance is only part of the refund's own answer.
        var read = await ReadJson(await AdminClient().GetAsync(response.Headers.Location!.OriginalString));
        Assert.Equal(refundId, (string?)read["id"]);
        Assert.Equal(entryId, (string?)read["ledgerEntryId"]);
        Assert.Equal((string?)refund["createdAt"], (string?)read["createdAt"]);
        Assert.Null(read["walletBalance"]);
    }

    [Fact]
    public async Task A_partial_refund_then_the_rest_goes_PartiallyRefunded_then_Refunded()
    {
        var (customer, paymentId) = await WalletPaymentAsync(50m, topUp: 50m);

        var partial = await RefundAsync(paymentId, new { amount = 20m, reason = "Half the order was missing" });
        await AssertStatus(partial, HttpStatusCode.Created);
        var first = await ReadJson(partial);
        Assert.Equal(20m, (decimal)first["amount"]!);
        Assert.Equal("PartiallyRefunded", (string?)first["paymentStatus"]);
        Assert.Equal(20m, (decimal)first["refundedAmount"]!);
        Assert.Equal(20m, (decimal)first["walletBalance"]!);
        Assert.Equal("PartiallyRefunded", (string?)(await GetPaymentAsync(paymentId))["status"]);

        // No amount: whatever is still refundable.
        var rest = await RefundAsync(paymentId, new { reason = "The rest was never delivered" });
        await AssertStatus(rest, HttpStatusCode.Created);
        var second = await ReadJson(rest);
        Assert.Equal(30m, (decimal)second["amount"]!);
        Assert.Equal("Refunded", (string?)second["paymentStatus"]);
        Assert.Equal(50m, (decimal)second["refundedAmount"]!);
        Assert.Equal(50m, (decimal)second["walletBalance"]!);

        var payment = await GetPaymentAsync(paymentId);
        Assert.Equal("Refunded", (string?)payment["status"]);
        Assert.Equal(50m, (decimal)payment["refundedAmount"]!);
        Assert.Equal(50m, await BalanceAsync(customer.WalletId));
        Assert.Equal(2L, await Database.CountAsync("ledger_entries", "type = 'Refund' AND reference_type = 'payment' AND reference_id = $1", paymentId));
        await AssertLedgerReconcilesAsync(customer.WalletId);

        // The owner lists them, oldest first, each with the payment as it is now.
        var list = await ReadJson(await Client(customer.ApiKey).GetAsync(RefundsUrl(paymentId)));
        var items = list["items"]!.AsArray();
        Assert.Equal(2, items.Count);
        Assert.Equal((string?)first["id"], (string?)items[0]!["id"]);
        Assert.Equal((string?)second["id"], (string?)items[1]!["id"]);
        Assert.Equal([20m, 30m], items.Select(i => (decimal)i!["amount"]!));
        Assert.All(items, i => Assert.Equal("Refunded", (string?)i!["paymentStatus"]));
        Assert.All(items, i => Assert.Equal(50m, (decimal)i!["refundedAmount"]!));
    }

    [Fact]
    public async Task Refunding_more_than_is_left_is_a_422_refund_exceeds_payment_and_writes_nothing()
    {
        var (customer, paymentId) = await WalletPaymentAsync(50m, topUp: 50m);
        await AssertStatus(await RefundAsync(paymentId, new { amount = 20m, reason = "First part" }), HttpStatusCode.Created);
        var state = await WrittenStateAsync();

        var problem = await AssertProblem(await RefundAsync(paymentId, new { amount = 30.01m, reason = "One cent too much" }),
            HttpStatusCode.UnprocessableEntity, "refund_exceeds_payment");

        Assert.Equal(30.01m, (decimal)problem["requested"]!);
        Assert.Equal(30m, (decimal)problem["refundable"]!);
        Assert.Equal(50m, (decimal)problem["paid"]!);
        Assert.Equal(20m, (decimal)problem["refunded"]!);
        Assert.Equal(state, await WrittenStateAsync());
        Assert.Equal("PartiallyRefunded", (string?)(await GetPaymentAsync(paymentId))["status"]);
        Assert.Equal(20m, await BalanceAsync(customer.WalletId));
    }

    [Fact]
    public async Task Refunding_more_than_was_paid_in_one_go_is_a_422_and_writes_nothing()
    {
        var (_, paymentId) = await WalletPaymentAsync(50m, topUp: 80m);
        var state = await WrittenStateAsync();

        await AssertProblem(await RefundAsync(paymentId, new { amount = 50.01m, reason = "Too much" }),
            HttpStatusCode.UnprocessableEntity, "refund_exceeds_payment");

        Assert.Equal(state, await WrittenStateAsync());
        Assert.Equal("Paid", (string?)(await GetPaymentAsync(paymentId))["status"]);
    }

    /// <summary>
    /// A fully Refunded payment answers 422 refund_exceeds_payment, not 409: nothing is left to refund, so any refund
    /// exceeds the refundable 0.00. It is the answer a refund gets when another refund used up the rest a moment
    /// before it, so concurrent clients see one rule whatever the timing (the race test relies on it). 409 is kept
    /// for payments that never took money (Pending, Failed).
    /// </summary>
    [Fact]
    public async Task Refunding_a_Refunded_payment_is_a_422_refund_exceeds_payment_with_or_without_an_amount()
    {
        var (_, paymentId) = await WalletPaymentAsync(40m, topUp: 40m);
        await AssertStatus(await RefundAsync(paymentId, new { reason = "All of it" }), HttpStatusCode.Created);
        var state = await WrittenStateAsync();

        var withAmount = await AssertProblem(await RefundAsync(paymentId, new { amount = 0.01m, reason = "Again" }),
            HttpStatusCode.UnprocessableEntity, "refund_exceeds_payment");
        var theRest = await AssertProblem(await RefundAsync(paymentId, new { reason = "Again, the rest" }),
            HttpStatusCode.UnprocessableEntity, "refund_exceeds_payment");

        Assert.Equal(0m, (decimal)withAmount["refundable"]!);
        Assert.Equal(0m, (decimal)theRest["refundable"]!);
        Assert.Equal(state, await WrittenStateAsync());
    }

    [Fact]
    public async Task Refunding_a_failed_payment_is_a_409_conflict_and_writes_nothing()
    {
        var customer = await CreateCustomerAsync();
        var declined = await CardPaymentAsync(customer, 25m, cardToken: "tok_declined");
        var failed = await AssertProblem(declined, HttpStatusCode.UnprocessableEntity, "card_declined");
        var paymentId = Guid.Parse((string)failed["paymentId"]!);
        var state = await WrittenStateAsync();

        await AssertProblem(await RefundAsync(paymentId, new { reason = "Never charged" }), HttpStatusCode.Conflict, "conflict");
        await AssertProblem(await RefundAsync(paymentId, new { amount = 5m, reason = "Never charged" }), HttpStatusCode.Conflict, "conflict");

        Assert.Equal(state, await WrittenStateAsync());
        Assert.Equal("Failed", (string?)(await GetPaymentAsync(paymentId))["status"]);
    }

    [Fact]
    public async Task A_customer_key_may_not_refund_even_its_own_payment()
    {
        var (customer, paymentId) = await WalletPaymentAsync(30m, topUp: 30m);
        var state = await WrittenStateAsync();

        await AssertProblem(await RefundAsync(paymentId, new { reason = "Refund myself" }, client: Client(customer.ApiKey)),
            HttpStatusCode.Forbidden, "forbidden");

        Assert.Equal(state, await WrittenStateAsync());
    }

    [Fact]
    public async Task Refunding_an_unknown_payment_is_a_404()
    {
        await AssertProblem(await RefundAsync(Guid.NewGuid(), new { reason = "Ghost" }), HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0L, await Database.CountAsync("refunds"));
        Assert.Equal(0L, await Database.CountAsync("audit_log"));
    }

    public static TheoryData<string, string, string> InvalidRefunds => new()
    {
        { "missing reason", """{"amount":10}""", "reason" },
        { "empty reason", """{"reason":""}""", "reason" },
        { "blank reason", """{"reason":"   "}""", "reason" },
        { "reason over 500", $$"""{"reason":"{{new string('r', 501)}}"}""", "reason" },
        { "three decimals", """{"amount":10.005,"reason":"x"}""", "amount" },
        { "zero", """{"amount":0,"reason":"x"}""", "amount" },
        { "negative", """{"amount":-5,"reason":"x"}""", "amount" },
    };

    [Theory]
    [MemberData(nameof(InvalidRefunds))]
    public async Task Invalid_refunds_are_a_400_naming_the_field_and_write_nothing(string why, string json, string field)
    {
        var (_, paymentId) = await WalletPaymentAsync(30m, topUp: 30m);
        var state = await WrittenStateAsync();

        var problem = await AssertProblem(await AdminClient().SendAsync(PostRaw(RefundsUrl(paymentId), json)),
            HttpStatusCode.BadRequest, "validation_failed");

        Assert.True(problem["errors"]!.AsObject().ContainsKey(field), $"{why}: {problem.ToJsonString()}");
        Assert.Equal(state, await WrittenStateAsync());
    }

    [Theory]
    [InlineData("""{"amount":"10","reason":"x"}""")]
    [InlineData("""{"amount":10,"reason":"x","currency":"ZAR"}""")]
    [InlineData("""not json""")]
    public async Task Malformed_refunds_are_a_400_malformed_request(string json)
    {
        var (_, paymentId) = await WalletPaymentAsync(30m, topUp: 30m);

        await AssertProblem(await AdminClient().SendAsync(PostRaw(RefundsUrl(paymentId), json)), HttpStatusCode.BadRequest, "malformed_request");
        Assert.Equal(0L, await Database.CountAsync("refunds"));
    }

    [Fact]
    public async Task A_direct_card_payment_is_refunded_through_the_gateway_without_any_ledger_entry()
    {
        var customer = await CreateCustomerAsync();
        var paymentId = await PaidCardPaymentAsync(customer, 80m);

        var response = await RefundAsync(paymentId, new { amount = 30m, reason = "Partly cancelled" });

        await AssertStatus(response, HttpStatusCode.Created);
        var refund = await ReadJson(response);
        Assert.Equal(30m, (decimal)refund["amount"]!);
        Assert.Equal("PartiallyRefunded", (string?)refund["paymentStatus"]);
        Assert.Equal(30m, (decimal)refund["refundedAmount"]!);
        Assert.Null((string?)refund["ledgerEntryId"]);
        Assert.False(refund.ContainsKey("walletBalance"));
        Assert.Equal(1L, await Database.CountAsync("refunds",
            "payment_id = $1 AND ledger_entry_id IS NULL AND gateway_reference LIKE 'sim\\_rf\\_%'", paymentId));

        var rest = await RefundAsync(paymentId, new { reason = "Cancelled entirely" });
        await AssertStatus(rest, HttpStatusCode.Created);
        Assert.Equal(50m, (decimal)(await ReadJson(rest))["amount"]!);

        var payment = await GetPaymentAsync(paymentId);
        Assert.Equal("Refunded", (string?)payment["status"]);
        Assert.Equal(80m, (decimal)payment["refundedAmount"]!);
        Assert.Equal(0L, await Database.CountAsync("ledger_entries"));
        Assert.Equal(0m, await BalanceAsync(customer.WalletId));
        Assert.Equal(2L, await Database.CountAsync("audit_log", "action = 'payment.refund' AND target_id = $1", paymentId));
    }

    [Fact]
    public async Task Refunding_a_card_top_up_is_a_422_refund_not_supported_and_writes_nothing()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 60m);
        var topUpId = await Database.ScalarAsync<Guid>("SELECT id FROM payments WHERE wallet_id = $1 AND method = 'Card'", customer.WalletId);
        var state = await WrittenStateAsync();

        var problem = await AssertProblem(await RefundAsync(topUpId, new { amount = 10m, reason = "Wants the money back on the card" }),
            HttpStatusCode.UnprocessableEntity, "refund_not_supported");

        Assert.Contains("top-up", (string?)problem["detail"]);
        Assert.Equal(state, await WrittenStateAsync());
        Assert.Equal(60m, await BalanceAsync(customer.WalletId));
    }

    [Fact]
    public async Task A_replayed_refund_with_the_same_key_has_one_effect_and_the_same_answer()
    {
        var (customer, paymentId) = await WalletPaymentAsync(50m, topUp: 50m);
        var body = new { amount = 15m, reason = "Late delivery" };

        var first = await RefundAsync(paymentId, body, "refund-late-1");
        var second = await RefundAsync(paymentId, body, "refund-late-1");

        await AssertStatus(first, HttpStatusCode.Created);
        await AssertStatus(second, HttpStatusCode.Created);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1L, await Database.CountAsync("refunds"));
        Assert.Equal(1L, await Database.CountAsync("ledger_entries", "type = 'Refund'"));
        Assert.Equal(1L, await Database.CountAsync("audit_log"));
        Assert.Equal(15m, await BalanceAsync(customer.WalletId));
        Assert.Equal(15m, (decimal)(await GetPaymentAsync(paymentId))["refundedAmount"]!);

        await AssertProblem(await RefundAsync(paymentId, new { amount = 16m, reason = "Late delivery" }, "refund-late-1"),
            HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Equal(1L, await Database.CountAsync("refunds"));
    }

    [Fact]
    public async Task A_frozen_wallet_still_receives_the_refund_and_stays_frozen()
    {
        var (customer, paymentId) = await WalletPaymentAsync(45m, topUp: 100m);
        Assert.Equal(1L, await Database.ScalarAsync<long>(
            "WITH frozen AS (UPDATE wallets SET status = 'Frozen' WHERE id = $1 RETURNING 1) SELECT count(*) FROM frozen", customer.WalletId));

        var response = await RefundAsync(paymentId, new { reason = "Refund while under review" });

        await AssertStatus(response, HttpStatusCode.Created);
        Assert.Equal(100m, (decimal)(await ReadJson(response))["walletBalance"]!);
        var wallet = await GetWalletAsync(customer.WalletId);
        Assert.Equal(100m, (decimal)wallet["balance"]!);
        Assert.Equal("Frozen", (string?)wallet["status"]);
        await AssertLedgerReconcilesAsync(customer.WalletId);
    }

    [Fact]
    public async Task Another_customer_cannot_list_or_read_the_refunds_of_a_payment()
    {
        var (_, paymentId) = await WalletPaymentAsync(30m, topUp: 30m);
        var refund = await RefundAsync(paymentId, new { amount = 5m, reason = "Goodwill" });
        await AssertStatus(refund, HttpStatusCode.Created);
        var stranger = Client((await CreateCustomerAsync(name: "Mallory")).ApiKey);

        await AssertProblem(await stranger.GetAsync(RefundsUrl(paymentId)), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await stranger.GetAsync(refund.Headers.Location!.OriginalString), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await AdminClient().GetAsync(RefundsUrl(Guid.NewGuid())), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await AdminClient().GetAsync($"{RefundsUrl(paymentId)}/{Guid.NewGuid()}"), HttpStatusCode.NotFound, "not_found");
        Assert.Empty((await ReadJson(await AdminClient().GetAsync(RefundsUrl(
            await PaidCardPaymentAsync(await CreateCustomerAsync(name: "No refunds"), 5m)))))["items"]!.AsArray());
    }
}
