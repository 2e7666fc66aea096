using System.Net;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Wallets;

/// <summary>
/// <c>GET /wallets/{id}</c> is a hand-written statement mapped by <c>WalletDto.Of</c>; the wallet list (and <c>/me</c>)
/// go through EF Core's <c>WalletDto.Projection</c>. Both must show every wallet alike, whatever its state.
/// </summary>
public sealed class WalletReadParityTests(TestDatabase database) : ApiTestBase(database)
{
    [Fact]
    public async Task A_wallet_read_by_id_equals_the_same_wallet_in_the_list_in_every_state()
    {
        // Fresh and empty; funded with a hold placed; invoice, spent below zero on credit; frozen.
        var empty = await CreateCustomerAsync(name: "Empty");
        var held = await CreateCustomerAsync(name: "Held");
        await TopUpAsync(held.WalletId, 100.25m);
        await AssertStatus(await Client(held.ApiKey).SendAsync(Post($"/api/v1/wallets/{held.WalletId}/holds",
            new { amount = 40.10m, description = "Reserved" })), HttpStatusCode.Created);
        var credit = await CreateCustomerAsync("Invoice", creditLimit: 500m, name: "Credit");
        await AssertStatus(await Client(credit.ApiKey).SendAsync(Post($"/api/v1/wallets/{credit.WalletId}/payments",
            new { amount = 120.99m, description = "On credit" })), HttpStatusCode.Created);
        var frozen = await CreateCustomerAsync(name: "Frozen");
        await TopUpAsync(frozen.WalletId, 3m);
        await AssertStatus(await AdminClient().SendAsync(Post($"/api/v1/wallets/{frozen.WalletId}/freeze", new { })), HttpStatusCode.OK);

        var list = (await ReadJson(await AdminClient().GetAsync("/api/v1/wallets?pageSize=100")))["items"]!.AsArray();
        foreach (var customer in new[] { empty, held, credit, frozen })
        {
            var byId = await ReadJson(await Client(customer.ApiKey).GetAsync($"/api/v1/wallets/{customer.WalletId}"));
            var listed = list.Single(w => (string?)w!["id"] == customer.WalletId.ToString())!;
            Assert.True(JsonNode.DeepEquals(listed, byId), $"by id: {byId.ToJsonString()}\nlisted: {listed.ToJsonString()}");
        }

        // The states are the ones meant: a hold held, a balance below zero with its credit, a frozen wallet.
        var heldWallet = await GetWalletAsync(held.WalletId);
        Assert.Equal(40.10m, (decimal)heldWallet["held"]!);
        Assert.Equal(60.15m, (decimal)heldWallet["available"]!);
        var creditWallet = await GetWalletAsync(credit.WalletId);
        Assert.Equal(-120.99m, (decimal)creditWallet["balance"]!);
        Assert.Equal(379.01m, (decimal)creditWallet["available"]!);
        Assert.Equal("Frozen", (string?)(await GetWalletAsync(frozen.WalletId))["status"]);
    }
}
