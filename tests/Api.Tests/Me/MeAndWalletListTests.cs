using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Me;

/// <summary>GET /me and GET /wallets: who the caller is, and the wallets it may see.</summary>
public sealed class MeAndWalletListTests(TestDatabase database) : ApiTestBase(database)
{
    private async Task<JsonObject> MeAsync(HttpClient client)
    {
        var response = await client.GetAsync("/api/v1/me");
        await AssertStatus(response, HttpStatusCode.OK);
        return await ReadJson(response);
    }

    private async Task<string> CreateOpsKeyAsync()
    {
        var response = await AdminClient().SendAsync(Post("/api/v1/admin/api-keys", new { name = "night", role = "ops" }));
        await AssertStatus(response, HttpStatusCode.Created);
        return (string)(await ReadJson(response))["apiKey"]!;
    }

    private async Task<Guid> OpenWalletAsync(Guid customerId, string currency)
    {
        var response = await AdminClient().PostAsJsonAsync($"/api/v1/customers/{customerId}/wallets", new { currency });
        await AssertStatus(response, HttpStatusCode.Created);
        return Guid.Parse((string)(await ReadJson(response))["id"]!);
    }

    private static List<string> Ids(JsonObject page) => page["items"]!.AsArray().Select(i => (string)i!["id"]!).ToList();

    [Fact]
    public async Task A_customer_key_sees_its_key_role_customer_and_every_wallet_with_balance_held_and_available()
    {
        var customer = await CreateCustomerAsync(billingModel: "Invoice", creditLimit: 100m, name: "Acme Cloud");
        await TopUpAsync(customer.WalletId, 40m);
        var usd = await OpenWalletAsync(customer.CustomerId, "USD");
        await CreateCustomerAsync(name: "Someone Else");
        var keyId = await Database.ScalarAsync<Guid>("SELECT id FROM api_keys WHERE customer_id = $1", customer.CustomerId);

        var me = await MeAsync(Client(customer.ApiKey));

        Assert.Equal(["customer", "keyId", "role"], me.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(keyId.ToString(), (string?)me["keyId"]);
        Assert.Equal("Customer", (string?)me["role"]);
        var self = me["customer"]!.AsObject();
        Assert.Equal(["billingModel", "customerId", "name", "wallets"], self.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(customer.CustomerId.ToString(), (string?)self["customerId"]);
        Assert.Equal("Acme Cloud", (string?)self["name"]);
        Assert.Equal("Invoice", (string?)self["billingModel"]);
        var wallets = self["wallets"]!.AsArray();
        Assert.Equal([customer.WalletId.ToString(), usd.ToString()], wallets.Select(w => (string)w!["id"]!));
        Assert.Equal(["available", "balance", "currency", "held", "id", "status"], wallets[0]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("ZAR", (string?)wallets[0]!["currency"]);
        Assert.Equal(40m, (decimal)wallets[0]!["balance"]!);
        Assert.Equal(0m, (decimal)wallets[0]!["held"]!);
        Assert.Equal(140m, (decimal)wallets[0]!["available"]!); // balance + credit limit - held
        Assert.Equal("Active", (string?)wallets[0]!["status"]);
        Assert.Equal("USD", (string?)wallets[1]!["currency"]);
        Assert.Equal(0m, (decimal)wallets[1]!["balance"]!);
        Assert.Equal(0m, (decimal)wallets[1]!["available"]!); // a new wallet has no credit
    }

    [Fact]
    public async Task An_admin_key_sees_its_key_and_role_and_no_customer()
    {
        await CreateCustomerAsync();
        var me = await MeAsync(AdminClient());
        Assert.Equal("bootstrap", (string?)me["keyId"]);
        Assert.Equal("Admin", (string?)me["role"]);
        Assert.Null(me["customer"]);
    }

    [Fact]
    public async Task An_ops_key_sees_its_own_key_id_and_role_and_no_customer()
    {
        var response = await AdminClient().SendAsync(Post("/api/v1/admin/api-keys", new { name = "night", role = "ops" }));
        await AssertStatus(response, HttpStatusCode.Created);
        var created = await ReadJson(response);

        var me = await MeAsync(Client((string)created["apiKey"]!));

        Assert.Equal((string?)created["id"], (string?)me["keyId"]);
        Assert.Equal("Ops", (string?)me["role"]);
        Assert.Null(me["customer"]);
    }

    [Fact]
    public async Task Me_and_the_wallet_list_without_a_key_are_a_401()
    {
        await AssertProblem(await Client(apiKey: null).GetAsync("/api/v1/me"), HttpStatusCode.Unauthorized, "unauthorized");
        await AssertProblem(await Client(apiKey: null).GetAsync("/api/v1/wallets"), HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task A_customer_lists_only_its_own_wallets_and_a_filter_naming_another_customer_matches_none()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");
        var aliceUsd = await OpenWalletAsync(alice.CustomerId, "USD");
        await OpenWalletAsync(bob.CustomerId, "EUR");
        var asAlice = Client(alice.ApiKey);

        var own = await ReadJson(await asAlice.GetAsync("/api/v1/wallets"));
        Assert.Equal(2, (int)own["totalCount"]!);
        Assert.Equal([alice.WalletId.ToString(), aliceUsd.ToString()], Ids(own));
        var item = own["items"]![1]!.AsObject();
        Assert.Equal(["available", "balance", "creditLimit", "currency", "customerId", "held", "id", "status"],
            item.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(alice.CustomerId.ToString(), (string?)item["customerId"]);
        Assert.Equal("USD", (string?)item["currency"]);

        Assert.Equal(2, (int)(await ReadJson(await asAlice.GetAsync($"/api/v1/wallets?customerId={alice.CustomerId}")))["totalCount"]!);
        var foreign = await ReadJson(await asAlice.GetAsync($"/api/v1/wallets?customerId={bob.CustomerId}"));
        Assert.Equal(0, (int)foreign["totalCount"]!);
        Assert.Empty(foreign["items"]!.AsArray());
    }

    [Fact]
    public async Task Admin_and_ops_list_every_wallet_paged_oldest_first_and_filter_by_customer()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");
        var aliceUsd = await OpenWalletAsync(alice.CustomerId, "USD");
        var ops = await CreateOpsKeyAsync();

        foreach (var client in new[] { AdminClient(), Client(ops) })
        {
            var page1 = await ReadJson(await client.GetAsync("/api/v1/wallets?page=1&pageSize=2"));
            Assert.Equal(3, (int)page1["totalCount"]!);
            Assert.Equal(1, (int)page1["page"]!);
            Assert.Equal(2, (int)page1["pageSize"]!);
            Assert.Equal([alice.WalletId.ToString(), bob.WalletId.ToString()], Ids(page1));
            var page2 = await ReadJson(await client.GetAsync("/api/v1/wallets?page=2&pageSize=2"));
            Assert.Equal([aliceUsd.ToString()], Ids(page2));

            var bobs = await ReadJson(await client.GetAsync($"/api/v1/wallets?customerId={bob.CustomerId}"));
            Assert.Equal([bob.WalletId.ToString()], Ids(bobs));
            Assert.Equal(1, (int)bobs["totalCount"]!);
        }
    }

    [Fact]
    public async Task Bad_paging_of_the_wallet_list_is_a_400()
    {
        await CreateCustomerAsync();
        await AssertProblem(await AdminClient().GetAsync("/api/v1/wallets?page=0"), HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblem(await AdminClient().GetAsync("/api/v1/wallets?pageSize=101"), HttpStatusCode.BadRequest, "validation_failed");
    }
}
