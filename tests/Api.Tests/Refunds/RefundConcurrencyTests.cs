using System.Net;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Refunds;

/// <summary>Real parallel HTTP requests: the payment row lock keeps the refunded total within the paid amount.</summary>
public sealed class RefundConcurrencyTests(TestDatabase database) : RefundTestBase(database)
{
    [Fact]
    public async Task Twenty_parallel_refunds_of_10_on_a_100_payment_let_exactly_10_through()
    {
        var (customer, paymentId) = await WalletPaymentAsync(100m, topUp: 100m);
        Assert.Equal(0m, await BalanceAsync(customer.WalletId));
        using var client = AdminClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            RefundAsync(paymentId, new { amount = 10m, reason = $"Parallel refund {i}" }, client: client)));

        Assert.DoesNotContain(responses, r => (int)r.StatusCode >= 500);
        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        var refused = responses.Where(r => r.StatusCode != HttpStatusCode.Created).ToList();
        Assert.Equal(10, refused.Count);
        foreach (var response in refused)
            await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "refund_exceeds_payment");

        // Each accepted refund saw the total the one before it committed: 10, 20, …, 100, once each.
        var totals = await Task.WhenAll(responses.Where(r => r.StatusCode == HttpStatusCode.Created)
            .Select(async r => (decimal)(await ReadJson(r))["refundedAmount"]!));
        Assert.Equal(Enumerable.Range(1, 10).Select(n => n * 10m), totals.Order());

        Assert.Equal(100m, await Database.ScalarAsync<decimal>("SELECT refunded_amount FROM payments WHERE id = $1", paymentId));
        Assert.Equal("Refunded", (string?)(await GetPaymentAsync(paymentId))["status"]);
        Assert.Equal(100m, await BalanceAsync(customer.WalletId));
        Assert.Equal(10L, await Database.CountAsync("refunds", "payment_id = $1 AND amount = 10", paymentId));
        Assert.Equal(100m, await Database.ScalarAsync<decimal>(
            "SELECT sum(amount) FROM ledger_entries WHERE type = 'Refund' AND reference_type = 'payment' AND reference_id = $1", paymentId));
        Assert.Equal(10L, await Database.CountAsync("refunds r JOIN ledger_entries e ON e.id = r.ledger_entry_id",
            "e.type = 'Refund' AND e.amount = r.amount AND e.reference_id = r.payment_id"));
        Assert.Equal(10L, await Database.CountAsync("audit_log", "action = 'payment.refund' AND target_id = $1", paymentId));
        await AssertLedgerReconcilesAsync(customer.WalletId);
    }

    [Fact]
    public async Task Ten_parallel_full_refunds_refund_the_payment_once()
    {
        var (customer, paymentId) = await WalletPaymentAsync(64.5m, topUp: 64.5m);
        using var client = AdminClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            RefundAsync(paymentId, new { reason = $"Full refund {i}" }, client: client)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var response in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "refund_exceeds_payment");
        Assert.Equal(64.5m, await BalanceAsync(customer.WalletId));
        Assert.Equal(1L, await Database.CountAsync("refunds"));
        await AssertLedgerReconcilesAsync(customer.WalletId);
    }

    [Fact]
    public async Task Refunds_racing_payments_on_the_same_wallet_lose_no_update()
    {
        var (customer, paymentId) = await WalletPaymentAsync(100m, topUp: 200m);
        using var client = AdminClient();

        var refunds = Enumerable.Range(0, 10).Select(i => RefundAsync(paymentId, new { amount = 10m, reason = $"Refund {i}" }, client: client));
        var payments = Enumerable.Range(0, 10).Select(i => client.SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 5m, description = $"Payment {i}" })));
        var responses = await Task.WhenAll(refunds.Concat(payments).ToList());

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        // 200 - 100 + 10 × 10 - 10 × 5
        Assert.Equal(150m, await BalanceAsync(customer.WalletId));
        Assert.Equal(100m, await Database.ScalarAsync<decimal>("SELECT refunded_amount FROM payments WHERE id = $1", paymentId));
        await AssertLedgerReconcilesAsync(customer.WalletId);
    }
}
