using System.Net;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Holds;

public sealed class HoldConcurrencyTests(TestDatabase database) : HoldsTestBase(database)
{
    [Fact]
    public async Task Many_parallel_holds_never_reserve_more_than_a_prepaid_wallet_has()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);

        var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => PlaceHold(customer, 7m, $"parallel {i}")));

        var placed = responses.Count(r => r.StatusCode == HttpStatusCode.Created);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            await AssertProblem(refused, HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        Assert.Equal(14, placed); // 14 × 7.00 = 98.00; a 15th would need 105.00
        Assert.Equal((100m, 98m, 2m), await FundsAsync(customer.WalletId));
        Assert.Equal(14L, await Database.CountAsync("holds", "status = 'Active'"));
        await AssertBooksBalanceAsync(customer.WalletId);
    }

    [Fact]
    public async Task Parallel_holds_and_payments_on_an_invoice_wallet_stop_at_its_credit_limit()
    {
        var customer = await CreateCustomerAsync("Invoice", creditLimit: 100m);
        var client = Client(customer.ApiKey);

        var requests = Enumerable.Range(0, 30).Select(i => i % 2 == 0
            ? PlaceHold(customer, 9m, $"hold {i}")
            : client.SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments", new { amount = 9m, description = $"pay {i}" })));
        var responses = await Task.WhenAll(requests);

        Assert.Equal(11, responses.Count(r => r.StatusCode == HttpStatusCode.Created)); // 11 × 9.00 = 99.00
        var (balance, held, available) = await FundsAsync(customer.WalletId);
        Assert.Equal(1m, available);
        Assert.True(balance + 100m - held >= 0m);
        await AssertBooksBalanceAsync(customer.WalletId);
    }

    [Fact]
    public async Task Parallel_capture_and_void_of_one_hold_have_exactly_one_winner()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 1000m);
        var holds = new List<Guid>();
        for (var i = 0; i < 10; i++)
            holds.Add(await PlaceHoldAsync(customer, 25m));

        var races = holds.Select(async id =>
        {
            var capture = Capture(id, customer.ApiKey, 20m);
            var voiding = Void(id, customer.ApiKey);
            var secondCapture = Capture(id, customer.ApiKey);
            return (Id: id, Responses: await Task.WhenAll(capture, voiding, secondCapture));
        });
        var results = await Task.WhenAll(races);

        var capturedTotal = 0m;
        foreach (var (id, responses) in results)
        {
            var winners = responses.Where(r => r.IsSuccessStatusCode).ToList();
            Assert.Single(winners);
            foreach (var loser in responses.Where(r => !r.IsSuccessStatusCode))
                await AssertProblem(loser, HttpStatusCode.Conflict, "hold_not_active");
            var hold = await GetHoldAsync(id);
            if (winners[0].StatusCode == HttpStatusCode.OK)
            {
                Assert.Equal("Voided", (string?)hold["status"]);
                Assert.Equal(0L, await Database.CountAsync("payments", "hold_id = $1", id));
            }
            else
            {
                Assert.Equal("Captured", (string?)hold["status"]);
                Assert.Equal(1L, await Database.CountAsync("payments", "hold_id = $1", id));
                capturedTotal += (decimal)hold["capturedAmount"]!;
            }
        }
        Assert.Equal((1000m - capturedTotal, 0m, 1000m - capturedTotal), await FundsAsync(customer.WalletId));
        await AssertBooksBalanceAsync(customer.WalletId);
    }
}
