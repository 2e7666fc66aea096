using System.Net;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Refunds;

/// <summary>Builders and checks shared by the refund tests.</summary>
public abstract class RefundTestBase(TestDatabase database) : ApiTestBase(database)
{
    protected static string RefundsUrl(Guid paymentId) => $"/api/v1/payments/{paymentId}/refunds";

    /// <summary>A Paid wallet payment from a wallet first topped up with <paramref name="topUp"/>.</summary>
    protected async Task<(TestCustomer Customer, Guid PaymentId)> WalletPaymentAsync(decimal amount, decimal topUp)
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, topUp);
        var response = await AdminClient().SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount, description = "Order to refund" }));
        await AssertStatus(response, HttpStatusCode.Created);
        return (customer, Guid.Parse((string)(await ReadJson(response))["id"]!));
    }

    /// <summary>A direct card payment (no wallet) an admin makes for <paramref name="customer"/>; returns its answer.</summary>
    protected async Task<HttpResponseMessage> CardPaymentAsync(TestCustomer customer, decimal amount, string cardToken = "tok_visa") =>
        await AdminClient().SendAsync(Post("/api/v1/payments/card",
            new { amount, currency = "ZAR", cardToken, description = "Direct card order", customerId = customer.CustomerId }));

    protected async Task<Guid> PaidCardPaymentAsync(TestCustomer customer, decimal amount)
    {
        var response = await CardPaymentAsync(customer, amount);
        await AssertStatus(response, HttpStatusCode.Created);
        return Guid.Parse((string)(await ReadJson(response))["id"]!);
    }

    protected Task<HttpResponseMessage> RefundAsync(Guid paymentId, object body, string? idempotencyKey = null, HttpClient? client = null) =>
        (client ?? AdminClient()).SendAsync(Post(RefundsUrl(paymentId), body, idempotencyKey));

    protected async Task<JsonObject> GetPaymentAsync(Guid paymentId)
    {
        var response = await AdminClient().GetAsync($"/api/v1/payments/{paymentId}");
        await AssertStatus(response, HttpStatusCode.OK);
        return await ReadJson(response);
    }

    protected async Task<decimal> BalanceAsync(Guid walletId) => (decimal)(await GetWalletAsync(walletId))["balance"]!;

    /// <summary>Every row a refund could write, so a refused refund can be shown to have written nothing.</summary>
    protected async Task<(long Refunds, long Entries, long Audit, string Payments, string Wallets)> WrittenStateAsync() => (
        await Database.CountAsync("refunds"),
        await Database.CountAsync("ledger_entries"),
        await Database.CountAsync("audit_log"),
        await Database.ScalarAsync<string>(
            "SELECT coalesce(string_agg(id::text || ':' || status || ':' || refunded_amount::text, ',' ORDER BY id), '') FROM payments"),
        await Database.ScalarAsync<string>(
            "SELECT coalesce(string_agg(id::text || ':' || balance::text || ':' || last_sequence::text, ',' ORDER BY id), '') FROM wallets"));

    /// <summary>Balance = sum of the ledger, and sequences run 1..n without a gap.</summary>
    protected async Task AssertLedgerReconcilesAsync(Guid walletId)
    {
        Assert.Equal(0m, await Database.ScalarAsync<decimal>(
            "SELECT w.balance - coalesce(sum(CASE e.direction WHEN 'Credit' THEN e.amount ELSE -e.amount END), 0) " +
            "FROM wallets w LEFT JOIN ledger_entries e ON e.wallet_id = w.id WHERE w.id = $1 GROUP BY w.balance", walletId));
        Assert.True(await Database.ScalarAsync<bool>(
            "SELECT count(*) = coalesce(max(sequence), 0) AND count(DISTINCT sequence) = count(*) FROM ledger_entries WHERE wallet_id = $1",
            walletId));
    }
}
