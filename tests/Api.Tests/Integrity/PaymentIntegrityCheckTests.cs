using System.Net;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Integrity;

/// <summary>
/// Issue 8 §6: the integrity check sees refunded totals that disagree with the refunds, failed or cancelled orders whose
/// money was not given back, one gateway charge credited twice, top-ups without a charge, and ledger entries citing an
/// order they are not the payment or refund of. Each corruption is planted behind the application's back.
/// </summary>
public sealed class PaymentIntegrityCheckTests(TestDatabase database) : IntegrityTestBase(database)
{
    private async Task<Guid> PlaceOrderAsync(TestCustomer customer, decimal amount, string description = "Backup storage")
    {
        var response = await Client(customer.ApiKey).SendAsync(Post("/api/v1/orders", new { walletId = customer.WalletId, amount, description }));
        await AssertStatus(response, HttpStatusCode.Created);
        return Guid.Parse((string)(await ReadJson(response))["id"]!);
    }

    private Task<Guid> PaymentOfOrderAsync(Guid orderId) => Database.ScalarAsync<Guid>("SELECT payment_id FROM orders WHERE id = $1", orderId);

    private Task<Guid> TopUpPaymentAsync(Guid walletId) =>
        Database.ScalarAsync<Guid>("SELECT id FROM payments WHERE wallet_id = $1 AND method = 'Card' ORDER BY created_at, id LIMIT 1", walletId);

    [Fact]
    public async Task A_refunded_amount_that_is_not_the_sum_of_the_refunds_is_reported_on_the_payments_wallet()
    {
        var (customer, payments) = await CustomerWithPaymentsAsync();
        var (bystander, _) = await CustomerWithPaymentsAsync("Bystander");
        await AssertStatus(await AdminClient().SendAsync(Post($"/api/v1/payments/{payments[2]}/refunds", new { amount = 5m, reason = "Late" })),
            HttpStatusCode.Created);
        await AssertStatus(await AdminClient().SendAsync(Post($"/api/v1/payments/{payments[2]}/refunds", new { amount = 2.5m, reason = "Later" })),
            HttpStatusCode.Created);
        AssertNoIssues(await RunCheckAsync());
        await CorruptAsync("UPDATE payments SET refunded_amount = 12.00 WHERE id = $1", payments[2]);

        var report = await RunCheckAsync();

        Assert.Equal(1L, (long)report["issueCount"]!);
        Assert.Empty(KindsOf(report, bystander.WalletId));
        Assert.Equal($"PartiallyRefunded Wallet payment {payments[2]} of 30.00 records 12.00 refunded, but its 2 refund(s) add up to 7.50",
            (string?)IssueOf(report, customer.WalletId, "refunded_amount_mismatch")["detail"]);
    }

    [Fact]
    public async Task A_cancelled_order_whose_payment_was_not_given_back_is_reported()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var cancelled = await PlaceOrderAsync(customer, 12m);
        await AssertStatus(await Client(customer.ApiKey).SendAsync(Post($"/api/v1/orders/{cancelled}/cancel", new { })), HttpStatusCode.OK);
        var completed = await PlaceOrderAsync(customer, 9m);
        AssertNoIssues(await RunCheckAsync());
        // A completed order marked cancelled without any refund: the customer paid for nothing.
        await CorruptAsync("UPDATE orders SET status = 'Cancelled' WHERE id = $1", completed);

        var report = await RunCheckAsync();

        Assert.Equal(1L, (long)report["issueCount"]!);
        Assert.Equal($"Cancelled order {completed} of 9.00: 0.00 of its payment {await PaymentOfOrderAsync(completed)} was given back " +
                     "(refunds 0.00, refunded_amount 0.00)", (string?)IssueOf(report, customer.WalletId, "order_not_refunded")["detail"]);
    }

    [Fact]
    public async Task A_failed_order_given_back_only_in_part_is_reported()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        await PlaceOrderAsync(customer, 8m, "Backup storage [fail]");
        var partlyReturned = await PlaceOrderAsync(customer, 12m);
        await AssertStatus(await Client(customer.ApiKey).SendAsync(Post($"/api/v1/orders/{partlyReturned}/returns", new { amount = 5m, reason = "Too big" })),
            HttpStatusCode.Created);
        AssertNoIssues(await RunCheckAsync());
        await CorruptAsync("UPDATE orders SET status = 'Failed', failure_reason = 'Lost' WHERE id = $1", partlyReturned);

        var report = await RunCheckAsync();

        Assert.Equal(["order_not_refunded"], KindsOf(report, customer.WalletId));
        Assert.Equal(1L, (long)report["issueCount"]!);
        Assert.StartsWith($"Failed order {partlyReturned} of 12.00: 5.00 of its payment", (string?)IssueOf(report, customer.WalletId, "order_not_refunded")["detail"]);
    }

    [Fact]
    public async Task Two_paid_card_payments_naming_one_gateway_charge_are_both_reported_each_on_its_wallet()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");
        await TopUpAsync(alice.WalletId, 40m);
        await TopUpAsync(bob.WalletId, 10m);
        var direct = await Client(bob.ApiKey).SendAsync(Post("/api/v1/payments/card",
            new { amount = 70m, currency = "ZAR", cardToken = "tok_visa", description = "Support plan" }));
        await AssertStatus(direct, HttpStatusCode.Created);
        var directId = Guid.Parse((string)(await ReadJson(direct))["id"]!);
        AssertNoIssues(await RunCheckAsync());
        var topUp = await TopUpPaymentAsync(alice.WalletId);
        // Bob's card payment (no wallet) now claims the charge that funded Alice's top-up.
        await CorruptAsync("UPDATE payments SET gateway_reference = (SELECT gateway_reference FROM payments WHERE id = $2) WHERE id = $1",
            directId, topUp);

        var report = await RunCheckAsync();

        Assert.Equal(2L, (long)report["issueCount"]!);
        var reference = await Database.ScalarAsync<string>("SELECT gateway_reference FROM payments WHERE id = $1", topUp);
        Assert.Equal($"Paid card payment {topUp} of 40.00 ZAR names gateway reference {reference}, as do paid card payment(s) {directId}",
            (string?)IssueOf(report, alice.WalletId, "duplicate_gateway_reference")["detail"]);
        Assert.Equal($"Paid card payment {directId} of 70.00 ZAR names gateway reference {reference}, as do paid card payment(s) {topUp}",
            (string?)IssueOf(report, bob.WalletId, "duplicate_gateway_reference")["detail"]);
    }

    [Fact]
    public async Task A_card_top_up_without_a_gateway_reference_is_reported()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 25m);
        var topUp = await TopUpPaymentAsync(customer.WalletId);
        // A declined top-up has no charge and credited nothing: not an issue.
        var declined = await AdminClient().SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/top-ups", new { amount = 5m, cardToken = "tok_declined" }));
        await AssertStatus(declined, HttpStatusCode.UnprocessableEntity);
        AssertNoIssues(await RunCheckAsync());
        await CorruptAsync("UPDATE payments SET gateway_reference = NULL WHERE id = $1", topUp);

        var report = await RunCheckAsync();

        Assert.Equal(1L, (long)report["issueCount"]!);
        Assert.Equal($"Paid card top-up {topUp} of 25.00 credited the wallet by ledger entry {await EntryIdAsync(customer.WalletId, 1)} " +
                     "without a gateway reference", (string?)IssueOf(report, customer.WalletId, "deposit_without_gateway_reference")["detail"]);
    }

    [Fact]
    public async Task An_entry_citing_an_order_is_explained_only_as_that_orders_payment_or_refund()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var orderId = await PlaceOrderAsync(customer, 12m);
        await AssertStatus(await Client(customer.ApiKey).SendAsync(Post($"/api/v1/orders/{orderId}/returns", new { amount = 5m, reason = "Too big" })),
            HttpStatusCode.Created);
        var adjustment = await AdminClient().SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/adjustments",
            new { direction = "Credit", amount = 3m, reason = "Goodwill" }));
        await AssertStatus(adjustment, HttpStatusCode.Created);
        var adjustmentId = (string)(await ReadJson(adjustment))["id"]!;

        // Entries 2 (the order's payment) and 3 (the refund of its return) citing the order: still explained.
        await CorruptAsync("UPDATE ledger_entries SET reference_type = 'order', reference_id = $2 WHERE wallet_id = $1 AND sequence IN (2, 3)",
            customer.WalletId, orderId);
        AssertNoIssues(await RunCheckAsync());

        // The adjustment's entry citing the same order, on the same wallet: the order does not explain it.
        await CorruptAsync("UPDATE ledger_entries SET reference_type = 'order', reference_id = $2 WHERE wallet_id = $1 AND sequence = 4",
            customer.WalletId, orderId);
        var report = await RunCheckAsync();

        Assert.Equal(["orphan_entry", "record_without_entry"], KindsOf(report, customer.WalletId));
        Assert.Equal(2L, (long)report["issueCount"]!);
        var paymentEntry = await EntryIdAsync(customer.WalletId, 2);
        Assert.EndsWith($"the order is paid from wallet {customer.WalletId} by payment {await PaymentOfOrderAsync(orderId)}, whose entry is " +
                        $"{paymentEntry}; this entry is neither that entry nor a refund of the payment",
            (string?)IssueOf(report, customer.WalletId, "orphan_entry")["detail"]);
        Assert.StartsWith($"adjustment {adjustmentId} (Credit of 3.00) names ledger entry",
            (string?)IssueOf(report, customer.WalletId, "record_without_entry")["detail"]);
    }

    [Fact]
    public async Task An_entry_citing_an_order_that_does_not_exist_is_an_orphan()
    {
        var (customer, payments) = await CustomerWithPaymentsAsync();
        await CorruptAsync("UPDATE ledger_entries SET reference_type = 'order', reference_id = $2 WHERE wallet_id = $1 AND sequence = 2",
            customer.WalletId, Guid.NewGuid());

        var report = await RunCheckAsync();

        Assert.Equal(["orphan_entry", "paid_payment_without_entry"], KindsOf(report, customer.WalletId));
        Assert.EndsWith("the order does not exist", (string?)IssueOf(report, customer.WalletId, "orphan_entry")["detail"]);
        Assert.Contains(payments[0].ToString(), (string?)IssueOf(report, customer.WalletId, "paid_payment_without_entry")["detail"]);
    }
}
