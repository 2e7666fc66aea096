using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Wallets;

public sealed class WalletQueryTests(TestDatabase database) : ApiTestBase(database)
{
    private static readonly string[] EntryFields =
    [
        "id", "walletId", "sequence", "type", "direction", "amount", "balanceBefore", "balanceAfter",
        "referenceType", "referenceId", "description", "createdAt",
    ];

    // ---- GET /wallets/{id} ----

    [Fact]
    public async Task The_owner_reads_its_wallet_with_every_field()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 120.40m);

        var response = await Client(customer.ApiKey).GetAsync($"/api/v1/wallets/{customer.WalletId}");

        await AssertStatus(response, HttpStatusCode.OK);
        var wallet = await ReadJson(response);
        Assert.Equal(["available", "balance", "creditLimit", "currency", "customerId", "held", "id", "status"],
            wallet.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(customer.WalletId.ToString(), (string?)wallet["id"]);
        Assert.Equal(customer.CustomerId.ToString(), (string?)wallet["customerId"]);
        Assert.Equal("ZAR", (string?)wallet["currency"]);
        Assert.Equal(120.40m, (decimal)wallet["balance"]!);
        Assert.Equal(120.40m, (decimal)wallet["available"]!);
        Assert.Equal(0m, (decimal)wallet["held"]!);
        Assert.Equal(0m, (decimal)wallet["creditLimit"]!);
        Assert.Equal("Active", (string?)wallet["status"]);
    }

    [Fact]
    public async Task Available_is_the_balance_plus_the_credit_limit_also_below_zero()
    {
        var customer = await CreateCustomerAsync("Invoice", creditLimit: 50m);
        await AssertStatus(await Client(customer.ApiKey).SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 30m, description = "On credit" })), HttpStatusCode.Created);

        var wallet = await ReadJson(await Client(customer.ApiKey).GetAsync($"/api/v1/wallets/{customer.WalletId}"));

        Assert.Equal(-30m, (decimal)wallet["balance"]!);
        Assert.Equal(50m, (decimal)wallet["creditLimit"]!);
        Assert.Equal(20m, (decimal)wallet["available"]!);
    }

    [Fact]
    public async Task An_admin_reads_any_wallet()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");
        await TopUpAsync(bob.WalletId, 7m);

        var aliceWallet = await ReadJson(await AdminClient().GetAsync($"/api/v1/wallets/{alice.WalletId}"));
        var bobWallet = await ReadJson(await AdminClient().GetAsync($"/api/v1/wallets/{bob.WalletId}"));

        Assert.Equal(alice.CustomerId.ToString(), (string?)aliceWallet["customerId"]);
        Assert.Equal(0m, (decimal)aliceWallet["balance"]!);
        Assert.Equal(bob.CustomerId.ToString(), (string?)bobWallet["customerId"]);
        Assert.Equal(7m, (decimal)bobWallet["balance"]!);
    }

    [Fact]
    public async Task Another_customers_wallet_and_an_unknown_wallet_are_both_404()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");
        var client = Client(alice.ApiKey);

        var other = await AssertProblem(await client.GetAsync($"/api/v1/wallets/{bob.WalletId}"), HttpStatusCode.NotFound, "not_found");
        var unknown = await AssertProblem(await client.GetAsync($"/api/v1/wallets/{Guid.NewGuid()}"), HttpStatusCode.NotFound, "not_found");

        // Nothing in the answer tells an existing wallet from a missing one apart from the id asked for.
        Assert.Equal((string?)other["title"], (string?)unknown["title"]);
        Assert.DoesNotContain(bob.CustomerId.ToString(), other.ToJsonString());
        await AssertProblem(await AdminClient().GetAsync($"/api/v1/wallets/{Guid.NewGuid()}"), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Reading_a_wallet_without_a_key_is_a_401()
    {
        var customer = await CreateCustomerAsync();
        await AssertProblem(await Client(apiKey: null).GetAsync($"/api/v1/wallets/{customer.WalletId}"), HttpStatusCode.Unauthorized, "unauthorized");
    }

    // ---- GET /wallets/{id}/transactions ----

    [Fact]
    public async Task Transactions_are_newest_first_with_every_field()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 10m);
        await TopUpAsync(customer.WalletId, 20m);
        await TopUpAsync(customer.WalletId, 30m);
        var pay = await Client(customer.ApiKey).SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 5.25m, description = "Coffee" }));
        await AssertStatus(pay, HttpStatusCode.Created);
        var payment = await ReadJson(pay);

        var list = await ListAsync(customer, "");

        Assert.Equal(1, (int)list["page"]!);
        Assert.Equal(20, (int)list["pageSize"]!);
        Assert.Equal(4, (int)list["totalCount"]!);
        var items = Items(list);
        Assert.Equal([4L, 3L, 2L, 1L], items.Select(e => (long)e["sequence"]!));
        foreach (var entry in items)
            foreach (var field in EntryFields)
                Assert.True(entry.ContainsKey(field), $"entry lacks '{field}': {entry.ToJsonString()}");

        var newest = items[0];
        Assert.Equal((string?)payment["ledgerEntryId"], (string?)newest["id"]);
        Assert.Equal(customer.WalletId.ToString(), (string?)newest["walletId"]);
        Assert.Equal("Payment", (string?)newest["type"]);
        Assert.Equal("Debit", (string?)newest["direction"]);
        Assert.Equal(5.25m, (decimal)newest["amount"]!);
        Assert.Equal(60m, (decimal)newest["balanceBefore"]!);
        Assert.Equal(54.75m, (decimal)newest["balanceAfter"]!);
        Assert.Equal("payment", (string?)newest["referenceType"]);
        Assert.Equal((string?)payment["id"], (string?)newest["referenceId"]);
        Assert.Equal("Coffee", (string?)newest["description"]);
        Assert.InRange(CreatedAt(newest), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));

        var oldest = items[3];
        Assert.Equal("Deposit", (string?)oldest["type"]);
        Assert.Equal("Credit", (string?)oldest["direction"]);
        Assert.Equal(10m, (decimal)oldest["amount"]!);
        Assert.Equal(0m, (decimal)oldest["balanceBefore"]!);
        Assert.Equal(10m, (decimal)oldest["balanceAfter"]!);
        Assert.Equal("Card top-up", (string?)oldest["description"]);

        // Each entry starts where the one before it ended.
        for (var i = 0; i < items.Length - 1; i++)
            Assert.Equal((decimal)items[i + 1]["balanceAfter"]!, (decimal)items[i]["balanceBefore"]!);
        Assert.True(CreatedAt(items[0]) >= CreatedAt(items[3]));
    }

    [Fact]
    public async Task A_wallet_without_movements_has_an_empty_first_page()
    {
        var customer = await CreateCustomerAsync();
        var list = await ListAsync(customer, "");
        Assert.Empty(list["items"]!.AsArray());
        Assert.Equal(0, (int)list["totalCount"]!);
    }

    [Fact]
    public async Task Transactions_page_by_page_and_size()
    {
        var customer = await SeedFiveEntriesAsync();

        var page1 = await ListAsync(customer, "?page=1&pageSize=2");
        var page2 = await ListAsync(customer, "?page=2&pageSize=2");
        var page3 = await ListAsync(customer, "?page=3&pageSize=2");
        var page4 = await ListAsync(customer, "?page=4&pageSize=2");

        Assert.Equal([5L, 4L], Sequences(page1));
        Assert.Equal([3L, 2L], Sequences(page2));
        Assert.Equal([1L], Sequences(page3));
        Assert.Empty(Sequences(page4));
        Assert.All(new[] { page1, page2, page3, page4 }, p =>
        {
            Assert.Equal(5, (int)p["totalCount"]!);
            Assert.Equal(2, (int)p["pageSize"]!);
        });
        Assert.Equal(3, (int)page3["page"]!);
    }

    [Theory]
    [InlineData("Deposit")]
    [InlineData("deposit")]
    [InlineData("DEPOSIT")]
    public async Task Transactions_filter_by_type_ignoring_case(string type)
    {
        var customer = await SeedFiveEntriesAsync();

        var deposits = await ListAsync(customer, $"?type={type}");

        Assert.Equal(3, (int)deposits["totalCount"]!);
        Assert.Equal([4L, 2L, 1L], Sequences(deposits));
        Assert.All(Items(deposits), e => Assert.Equal("Deposit", (string?)e["type"]));
    }

    [Fact]
    public async Task Transactions_filter_by_payment_type_and_page_within_the_filter()
    {
        var customer = await SeedFiveEntriesAsync();

        var payments = await ListAsync(customer, "?type=payment");
        Assert.Equal(2, (int)payments["totalCount"]!);
        Assert.Equal([5L, 3L], Sequences(payments));
        Assert.All(Items(payments), e => Assert.Equal("Debit", (string?)e["direction"]));

        var second = await ListAsync(customer, "?type=Payment&page=2&pageSize=1");
        Assert.Equal(2, (int)second["totalCount"]!);
        Assert.Equal([3L], Sequences(second));

        var none = await ListAsync(customer, "?type=Refund");
        Assert.Equal(0, (int)none["totalCount"]!);
    }

    [Theory]
    [InlineData("?type=Bogus", "type")]
    [InlineData("?type=1", "type")]
    [InlineData("?pageSize=0", "pageSize")]
    [InlineData("?pageSize=101", "pageSize")]
    [InlineData("?page=0", "page")]
    public async Task Bad_transaction_filters_are_a_400_naming_the_parameter(string query, string field)
    {
        var customer = await CreateCustomerAsync();
        var response = await Client(customer.ApiKey).GetAsync($"/api/v1/wallets/{customer.WalletId}/transactions{query}");

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem["errors"]!.AsObject().ContainsKey(field), problem.ToJsonString());
    }

    [Fact]
    public async Task Transactions_filter_by_a_from_inclusive_to_exclusive_time_range()
    {
        var customer = await SeedFiveEntriesAsync();
        var all = Items(await ListAsync(customer, ""));
        var third = all.Single(e => (long)e["sequence"]! == 3);
        var thirdAt = (string)third["createdAt"]!;
        Assert.True(CreatedAt(all.Single(e => (long)e["sequence"]! == 2)) < CreatedAt(third), "entries need distinct timestamps");
        Assert.True(CreatedAt(all.Single(e => (long)e["sequence"]! == 4)) > CreatedAt(third), "entries need distinct timestamps");

        // 'to' is exclusive: the entry created exactly at 'to' is left out.
        var before = await ListAsync(customer, $"?to={Q(thirdAt)}");
        Assert.Equal([2L, 1L], Sequences(before));
        Assert.Equal(2, (int)before["totalCount"]!);

        // 'from' is inclusive.
        var after = await ListAsync(customer, $"?from={Q(thirdAt)}");
        Assert.Equal([5L, 4L, 3L], Sequences(after));

        var exactlyOne = await ListAsync(customer, $"?from={Q(thirdAt)}&to={Q(CreatedAt(third).AddTicks(10))}");
        Assert.Equal([3L], Sequences(exactlyOne));
    }

    [Fact]
    public async Task Transactions_filter_by_times_around_now()
    {
        var customer = await SeedFiveEntriesAsync();
        var now = DateTimeOffset.UtcNow;

        Assert.Equal(5, (int)(await ListAsync(customer, $"?from={Q(now.AddHours(-1))}"))["totalCount"]!);
        Assert.Equal(0, (int)(await ListAsync(customer, $"?from={Q(now.AddHours(1))}"))["totalCount"]!);
        Assert.Equal(5, (int)(await ListAsync(customer, $"?to={Q(now.AddHours(1))}"))["totalCount"]!);
        Assert.Equal(0, (int)(await ListAsync(customer, $"?to={Q(now.AddHours(-1))}"))["totalCount"]!);
        var window = await ListAsync(customer, $"?from={Q(now.AddHours(-1))}&to={Q(now.AddHours(1))}&type=Deposit&pageSize=2");
        Assert.Equal(3, (int)window["totalCount"]!);
        Assert.Equal([4L, 2L], Sequences(window));

        // 'Z' is UTC as well.
        var zulu = now.AddHours(-1).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        Assert.Equal(5, (int)(await ListAsync(customer, $"?from={Q(zulu)}"))["totalCount"]!);
    }

    [Fact]
    public async Task A_timestamp_with_another_offset_names_the_same_instant()
    {
        var customer = await SeedFiveEntriesAsync();
        var now = DateTimeOffset.UtcNow;

        var plusTwo = now.AddHours(-1).ToOffset(TimeSpan.FromHours(2));
        var minusFive = now.AddHours(1).ToOffset(TimeSpan.FromHours(-5));
        Assert.Equal(5, (int)(await ListAsync(customer, $"?from={Q(plusTwo)}"))["totalCount"]!);
        Assert.Equal(5, (int)(await ListAsync(customer, $"?to={Q(minusFive)}"))["totalCount"]!);
        Assert.Equal(0, (int)(await ListAsync(customer, $"?from={Q(minusFive)}"))["totalCount"]!);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    public async Task A_to_not_after_from_is_a_400(int minutes)
    {
        var customer = await CreateCustomerAsync();
        var from = DateTimeOffset.UtcNow;
        var response = await Client(customer.ApiKey).GetAsync(
            $"/api/v1/wallets/{customer.WalletId}/transactions?from={Q(from)}&to={Q(from.AddMinutes(minutes))}");

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem["errors"]!.AsObject().ContainsKey("to"), problem.ToJsonString());
    }

    [Fact]
    public async Task A_huge_page_number_is_not_a_server_error()
    {
        var customer = await SeedFiveEntriesAsync();
        var response = await Client(customer.ApiKey).GetAsync($"/api/v1/wallets/{customer.WalletId}/transactions?page={int.MaxValue}&pageSize=100");
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest,
            $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task Comma_joined_types_are_a_400()
    {
        var customer = await SeedFiveEntriesAsync();
        var response = await Client(customer.ApiKey).GetAsync($"/api/v1/wallets/{customer.WalletId}/transactions?type=Deposit,Payment");
        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem["errors"]!.AsObject().ContainsKey("type"), problem.ToJsonString());
    }

    [Fact]
    public async Task A_malformed_timestamp_is_a_400()
    {
        var customer = await CreateCustomerAsync();
        var response = await Client(customer.ApiKey).GetAsync($"/api/v1/wallets/{customer.WalletId}/transactions?from=yesterday");
        await AssertProblem(response, HttpStatusCode.BadRequest, "malformed_request");
    }

    [Fact]
    public async Task Another_customers_transactions_are_a_404_and_an_admin_sees_them()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");
        await TopUpAsync(bob.WalletId, 9m);

        await AssertProblem(await Client(alice.ApiKey).GetAsync($"/api/v1/wallets/{bob.WalletId}/transactions"), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await Client(alice.ApiKey).GetAsync($"/api/v1/wallets/{Guid.NewGuid()}/transactions"), HttpStatusCode.NotFound, "not_found");

        var response = await AdminClient().GetAsync($"/api/v1/wallets/{bob.WalletId}/transactions");
        await AssertStatus(response, HttpStatusCode.OK);
        var list = await ReadJson(response);
        Assert.Equal(1, (int)list["totalCount"]!);
        Assert.Equal(9m, (decimal)Items(list)[0]["amount"]!);
    }

    [Fact]
    public async Task Listing_transactions_without_a_key_is_a_401()
    {
        var customer = await CreateCustomerAsync();
        await AssertProblem(await Client(apiKey: null).GetAsync($"/api/v1/wallets/{customer.WalletId}/transactions"),
            HttpStatusCode.Unauthorized, "unauthorized");
    }

    // ---- GET /wallets/{id}/transactions/{entryId} ----

    [Fact]
    public async Task One_entry_reads_the_same_as_in_the_list_for_the_owner_and_an_admin()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 42m);
        var listed = Items(await ListAsync(customer, ""))[0];
        var url = $"/api/v1/wallets/{customer.WalletId}/transactions/{(string)listed["id"]!}";

        var own = await Client(customer.ApiKey).GetAsync(url);
        await AssertStatus(own, HttpStatusCode.OK);
        var entry = await ReadJson(own);
        Assert.Equal(listed.ToJsonString(), entry.ToJsonString());
        Assert.Equal(1L, (long)entry["sequence"]!);
        Assert.Equal("Deposit", (string?)entry["type"]);
        Assert.Equal(42m, (decimal)entry["amount"]!);

        var admin = await AdminClient().GetAsync(url);
        await AssertStatus(admin, HttpStatusCode.OK);
        Assert.Equal(entry.ToJsonString(), (await ReadJson(admin)).ToJsonString());
    }

    [Fact]
    public async Task An_entry_of_another_wallet_is_a_404_even_for_its_own_owner_through_the_wrong_wallet()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");
        await TopUpAsync(alice.WalletId, 1m);
        await TopUpAsync(bob.WalletId, 2m);
        var bobEntry = (string)Items(await ListAsync(bob, ""))[0]["id"]!;

        // Alice asks for Bob's entry under her own wallet.
        await AssertProblem(await Client(alice.ApiKey).GetAsync($"/api/v1/wallets/{alice.WalletId}/transactions/{bobEntry}"),
            HttpStatusCode.NotFound, "not_found");
        // Even an admin gets nothing when the entry is asked for under the wrong wallet.
        await AssertProblem(await AdminClient().GetAsync($"/api/v1/wallets/{alice.WalletId}/transactions/{bobEntry}"),
            HttpStatusCode.NotFound, "not_found");
        // Alice asks for Bob's entry under Bob's wallet.
        await AssertProblem(await Client(alice.ApiKey).GetAsync($"/api/v1/wallets/{bob.WalletId}/transactions/{bobEntry}"),
            HttpStatusCode.NotFound, "not_found");
        // An unknown entry id.
        await AssertProblem(await Client(alice.ApiKey).GetAsync($"/api/v1/wallets/{alice.WalletId}/transactions/{Guid.NewGuid()}"),
            HttpStatusCode.NotFound, "not_found");
        // Bob reads it where it belongs.
        await AssertStatus(await Client(bob.ApiKey).GetAsync($"/api/v1/wallets/{bob.WalletId}/transactions/{bobEntry}"), HttpStatusCode.OK);
    }

    // ---- helpers ----

    /// <summary>Deposits at sequences 1, 2 and 4; payments at 3 and 5. Balance 100 → 150 → 130 → 180 → 170.</summary>
    private async Task<TestCustomer> SeedFiveEntriesAsync()
    {
        var customer = await CreateCustomerAsync();
        var client = Client(customer.ApiKey);
        await TopUpAsync(customer.WalletId, 100m, client);
        await TopUpAsync(customer.WalletId, 50m, client);
        await AssertStatus(await client.SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 20m, description = "First purchase" })), HttpStatusCode.Created);
        await TopUpAsync(customer.WalletId, 50m, client);
        await AssertStatus(await client.SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 10m, description = "Second purchase" })), HttpStatusCode.Created);
        return customer;
    }

    private async Task<JsonObject> ListAsync(TestCustomer customer, string query)
    {
        var response = await Client(customer.ApiKey).GetAsync($"/api/v1/wallets/{customer.WalletId}/transactions{query}");
        await AssertStatus(response, HttpStatusCode.OK);
        return await ReadJson(response);
    }

    private static JsonObject[] Items(JsonObject page) => page["items"]!.AsArray().Select(i => i!.AsObject()).ToArray();

    private static long[] Sequences(JsonObject page) => Items(page).Select(e => (long)e["sequence"]!).ToArray();

    private static DateTimeOffset CreatedAt(JsonObject entry) =>
        DateTimeOffset.Parse((string)entry["createdAt"]!, CultureInfo.InvariantCulture);

    private static string Q(string timestamp) => Uri.EscapeDataString(timestamp);

    private static string Q(DateTimeOffset timestamp) => Uri.EscapeDataString(timestamp.ToString("O", CultureInfo.InvariantCulture));
}
