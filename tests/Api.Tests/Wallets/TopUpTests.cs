using System.Net;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Wallets;

public sealed class TopUpTests(TestDatabase database) : ApiTestBase(database)
{
    [Fact]
    public async Task A_card_top_up_credits_the_wallet_with_a_deposit_linked_to_a_paid_card_payment()
    {
        var customer = await CreateCustomerAsync();
        var response = await Client(customer.ApiKey).SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/top-ups",
            new { amount = 250.50m, cardToken = "tok_visa" }));

        await AssertStatus(response, HttpStatusCode.Created);
        var payment = await ReadJson(response);
        Assert.Equal("Card", (string?)payment["method"]);
        Assert.Equal("Paid", (string?)payment["status"]);
        Assert.Equal(250.50m, (decimal)payment["walletBalance"]!);
        Assert.Equal(customer.WalletId.ToString(), (string?)payment["walletId"]);

        Assert.Equal(1L, await Database.CountAsync("ledger_entries e JOIN payments p ON p.ledger_entry_id = e.id AND e.reference_id = p.id",
            "e.type = 'Deposit' AND e.direction = 'Credit' AND e.amount = 250.50 AND e.balance_before = 0 AND e.balance_after = 250.50"));
        Assert.Equal(250.50m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Fact]
    public async Task A_declined_card_is_a_422_card_declined_with_a_failed_payment_record_and_no_wallet_change()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 20m);

        var response = await Client(customer.ApiKey).SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/top-ups",
            new { amount = 75m, cardToken = "tok_declined" }));

        var problem = await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "card_declined");
        var paymentId = Guid.Parse((string)problem["paymentId"]!);
        Assert.Equal(1L, await Database.CountAsync("payments",
            "id = $1 AND status = 'Failed' AND failure_code = 'card_declined' AND ledger_entry_id IS NULL", paymentId));
        Assert.Equal(1L, await Database.CountAsync("ledger_entries"));
        Assert.Equal(20m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);

        var stored = await ReadJson(await AdminClient().GetAsync($"/api/v1/payments/{paymentId}"));
        Assert.Equal("Failed", (string?)stored["status"]);
    }
}
