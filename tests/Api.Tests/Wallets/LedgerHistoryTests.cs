using System.Net;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Wallets;

public sealed class LedgerHistoryTests(TestDatabase database) : ApiTestBase(database)
{
    [Fact]
    public async Task The_unfiltered_total_is_the_wallets_entry_count_and_agrees_with_the_filtered_totals()
    {
        var customer = await CreateCustomerAsync();
        var client = Client(customer.ApiKey);
        await TopUpAsync(customer.WalletId, 100m, client);
        for (var i = 0; i < 3; i++)
            await AssertStatus(await client.SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments", new { amount = 2m, description = $"P{i}" })), HttpStatusCode.Created);
        var other = await CreateCustomerAsync(name: "Other");
        await TopUpAsync(other.WalletId, 50m);

        var all = await ReadJson(await client.GetAsync($"/api/v1/wallets/{customer.WalletId}/transactions"));
        var payments = await ReadJson(await client.GetAsync($"/api/v1/wallets/{customer.WalletId}/transactions?type=Payment"));
        var deposits = await ReadJson(await client.GetAsync($"/api/v1/wallets/{customer.WalletId}/transactions?type=Deposit"));

        var stored = await Database.CountAsync("ledger_entries", "wallet_id = $1", customer.WalletId);
        Assert.Equal(stored, (long)(int)all["totalCount"]!);
        Assert.Equal(4L, stored);
        Assert.Equal(3, (int)payments["totalCount"]!);
        Assert.Equal((int)all["totalCount"]!, (int)payments["totalCount"]! + (int)deposits["totalCount"]!);
        // Another customer's wallet is still a 404 on the unfiltered page, which reads the owner and the total together.
        await AssertProblem(await Client(other.ApiKey).GetAsync($"/api/v1/wallets/{customer.WalletId}/transactions"),
            HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Keyset_pages_walk_the_whole_ledger_newest_first_without_gaps_or_repeats()
    {
        var customer = await CreateCustomerAsync();
        var client = Client(customer.ApiKey);
        await TopUpAsync(customer.WalletId, 100m, client);
        for (var i = 0; i < 11; i++)
            await AssertStatus(await client.SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments", new { amount = 1m, description = $"P{i}" })), HttpStatusCode.Created);

        var seen = new List<long>();
        string url = $"/api/v1/wallets/{customer.WalletId}/transactions?pageSize=5";
        while (true)
        {
            var page = await ReadJson(await client.GetAsync(url));
            Assert.Equal(12, (int)page["totalCount"]!);
            seen.AddRange(page["items"]!.AsArray().Select(e => (long)e!["sequence"]!));
            if (page["nextCursor"] is not { } cursor)
                break;
            url = $"/api/v1/wallets/{customer.WalletId}/transactions?pageSize=5&after={(long)cursor}";
        }

        Assert.Equal(Enumerable.Range(1, 12).Reverse().Select(i => (long)i), seen);
    }

    [Fact]
    public async Task Entries_filter_by_reference_type()
    {
        var customer = await CreateCustomerAsync();
        var client = Client(customer.ApiKey);
        await TopUpAsync(customer.WalletId, 10m, client);

        var payments = await ReadJson(await client.GetAsync($"/api/v1/wallets/{customer.WalletId}/transactions?referenceType=payment"));
        var transfers = await ReadJson(await client.GetAsync($"/api/v1/wallets/{customer.WalletId}/transactions?referenceType=transfer"));

        Assert.Equal(1, (int)payments["totalCount"]!);
        Assert.Equal(0, (int)transfers["totalCount"]!);
    }

    [Theory]
    [InlineData("after=0")]
    [InlineData("after=-3")]
    [InlineData("after=5&page=2")]
    [InlineData("after=abc")]
    public async Task A_bad_cursor_is_a_400(string queryString)
    {
        var customer = await CreateCustomerAsync();
        var response = await Client(customer.ApiKey).GetAsync($"/api/v1/wallets/{customer.WalletId}/transactions?{queryString}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
