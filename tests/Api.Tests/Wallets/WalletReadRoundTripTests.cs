using System.Net;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Wallets;

/// <summary>
/// What the two hot reads cost the database (<see cref="DatabaseCommandTrace"/>), as
/// <see cref="Pipeline.MoneyMovementRoundTripTests"/> counts it for the money movements.
/// Each read warms its key first: the API key is looked up once per key and cache lifetime, not per request.
/// </summary>
public sealed class WalletReadRoundTripTests(TestDatabase database) : ApiTestBase(database)
{
    [Fact]
    public async Task Reading_a_wallet_is_one_statement_and_no_transaction()
    {
        var customer = await CreateCustomerAsync();
        var client = Client(customer.ApiKey);
        await AssertStatus(await client.GetAsync($"/api/v1/wallets/{customer.WalletId}"), HttpStatusCode.OK);

        var (response, sent) = await CountCommandsAsync(client, $"/api/v1/wallets/{customer.WalletId}");

        await AssertStatus(response, HttpStatusCode.OK);
        Assert.True(sent.Length == 1, DatabaseCommandTrace.Describe(sent));
        Assert.Contains("FROM wallets", sent[0]);
        Assert.DoesNotContain("BEGIN", sent[0]);
    }

    [Fact]
    public async Task The_unfiltered_history_page_is_one_statement_by_page_number_and_by_cursor()
    {
        var customer = await CreateCustomerAsync();
        var client = Client(customer.ApiKey);
        await TopUpAsync(customer.WalletId, 100m, client);
        for (var i = 0; i < 4; i++)
            await AssertStatus(await client.SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments", new { amount = 1m, description = $"P{i}" })),
                HttpStatusCode.Created);

        var (byNumber, sentByNumber) = await CountCommandsAsync(client, $"/api/v1/wallets/{customer.WalletId}/transactions?pageSize=2&page=2");
        var (byCursor, sentByCursor) = await CountCommandsAsync(client, $"/api/v1/wallets/{customer.WalletId}/transactions?pageSize=2&after=4");

        Assert.True(sentByNumber.Length == 1, DatabaseCommandTrace.Describe(sentByNumber));
        Assert.True(sentByCursor.Length == 1, DatabaseCommandTrace.Describe(sentByCursor));
        foreach (var statement in sentByNumber.Concat(sentByCursor))
        {
            Assert.Contains("FROM wallets", statement);
            Assert.Contains("ledger_entries", statement);
            Assert.DoesNotContain("count(", statement, StringComparison.OrdinalIgnoreCase);
        }
        // The same page both ways: entries 3 and 2 of 5, newest first, with the total and the next cursor.
        foreach (var response in new[] { byNumber, byCursor })
        {
            var page = await ReadJson(response);
            Assert.Equal([3L, 2L], page["items"]!.AsArray().Select(e => (long)e!["sequence"]!));
            Assert.Equal(5, (int)page["totalCount"]!);
            Assert.Equal(2L, (long)page["nextCursor"]!);
        }
    }

    [Fact]
    public async Task A_history_page_past_the_end_is_empty_with_the_right_total_and_another_customers_is_a_404()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");
        await TopUpAsync(alice.WalletId, 10m);
        await TopUpAsync(alice.WalletId, 5m);

        var past = await ReadJson(await Client(alice.ApiKey).GetAsync($"/api/v1/wallets/{alice.WalletId}/transactions?page=3&pageSize=2"));
        Assert.Empty(past["items"]!.AsArray());
        Assert.Equal(2, (int)past["totalCount"]!);
        Assert.Null(past["nextCursor"]);
        var beforeFirst = await ReadJson(await Client(alice.ApiKey).GetAsync($"/api/v1/wallets/{alice.WalletId}/transactions?after=1"));
        Assert.Empty(beforeFirst["items"]!.AsArray());
        Assert.Equal(2, (int)beforeFirst["totalCount"]!);

        // The owner check reads the page with the owner: another customer's wallet (with entries, by number and by cursor)
        // is still a 404, exactly like a wallet that does not exist; an admin reads it.
        var bobClient = Client(bob.ApiKey);
        var other = await AssertProblem(await bobClient.GetAsync($"/api/v1/wallets/{alice.WalletId}/transactions"), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await bobClient.GetAsync($"/api/v1/wallets/{alice.WalletId}/transactions?after=2"), HttpStatusCode.NotFound, "not_found");
        var unknown = await AssertProblem(await bobClient.GetAsync($"/api/v1/wallets/{Guid.NewGuid()}/transactions"), HttpStatusCode.NotFound, "not_found");
        Assert.Equal((string?)other["title"], (string?)unknown["title"]);
        Assert.DoesNotContain("items", other.ToJsonString());
        var admin = await ReadJson(await AdminClient().GetAsync($"/api/v1/wallets/{alice.WalletId}/transactions"));
        Assert.Equal([2L, 1L], admin["items"]!.AsArray().Select(e => (long)e!["sequence"]!));
        await AssertProblem(await AdminClient().GetAsync($"/api/v1/wallets/{Guid.NewGuid()}/transactions"), HttpStatusCode.NotFound, "not_found");
    }

    private static Task<(HttpResponseMessage Response, string[] Commands)> CountCommandsAsync(HttpClient client, string url) =>
        DatabaseCommandTrace.SendAsync(client, new HttpRequestMessage(HttpMethod.Get, url));
}
