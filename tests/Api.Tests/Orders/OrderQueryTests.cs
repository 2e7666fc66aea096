using System.Net;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Orders;

/// <summary>Reading orders, who may see them, and bad input.</summary>
public sealed class OrderQueryTests(TestDatabase database) : OrderTestBase(database)
{
    [Theory]
    [InlineData("""{"amount": 10, "description": "No wallet"}""", "walletId")]
    [InlineData("""{"walletId": "WALLET", "amount": 0, "description": "Zero"}""", "amount")]
    [InlineData("""{"walletId": "WALLET", "amount": -5, "description": "Negative"}""", "amount")]
    [InlineData("""{"walletId": "WALLET", "amount": 1.005, "description": "Fraction of a cent"}""", "amount")]
    [InlineData("""{"walletId": "WALLET", "amount": 10}""", "description")]
    [InlineData("""{"walletId": "WALLET", "amount": 10, "description": "  "}""", "description")]
    [InlineData("""{"walletId": "WALLET", "amount": 10, "description": "X", "items": [{"quantity": 1, "unitPrice": 1}]}""", "items[0].sku")]
    [InlineData("""{"walletId": "WALLET", "amount": 10, "description": "X", "items": [{"sku": "A", "quantity": 0, "unitPrice": 1}]}""", "items[0].quantity")]
    [InlineData("""{"walletId": "WALLET", "amount": 10, "description": "X", "items": [{"sku": "A", "quantity": 1}]}""", "items[0].unitPrice")]
    [InlineData("""{"walletId": "WALLET", "amount": 10, "description": "X", "items": [{"sku": "A", "quantity": 1, "unitPrice": -1}]}""", "items[0].unitPrice")]
    [InlineData("""{"walletId": "WALLET", "amount": 10, "description": "X", "items": [null]}""", "items[0]")]
    public async Task Invalid_orders_are_a_400_naming_the_field_and_write_nothing(string json, string field)
    {
        var customer = await FundedCustomerAsync(100m);

        var response = await Client(customer.ApiKey).SendAsync(PostRaw(OrdersUrl, json.Replace("WALLET", customer.WalletId.ToString())));

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem["errors"]!.AsObject().ContainsKey(field), $"No error for '{field}': {problem["errors"]}");
        await AssertNothingWrittenAsync(customer);
    }

    [Fact]
    public async Task Oversized_descriptions_and_too_many_items_are_a_400()
    {
        var customer = await FundedCustomerAsync(100m);
        var client = Client(customer.ApiKey);

        var longDescription = await client.SendAsync(Post(OrdersUrl, new { walletId = customer.WalletId, amount = 1m, description = new string('x', 501) }));
        var manyItems = await client.SendAsync(Post(OrdersUrl, new
        {
            walletId = customer.WalletId,
            amount = 1m,
            description = "Many",
            items = Enumerable.Range(0, 51).Select(i => new { sku = $"SKU-{i}", quantity = 1, unitPrice = 0m }).ToArray(),
        }));
        var longSku = await client.SendAsync(Post(OrdersUrl, new
        {
            walletId = customer.WalletId, amount = 1m, description = "Long sku", items = new[] { new { sku = new string('s', 65), quantity = 1, unitPrice = 1m } },
        }));

        await AssertProblem(longDescription, HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblem(manyItems, HttpStatusCode.BadRequest, "validation_failed");
        await AssertProblem(longSku, HttpStatusCode.BadRequest, "validation_failed");
        await AssertNothingWrittenAsync(customer);
    }

    [Theory]
    [InlineData("""{"walletId": "WALLET", "amount": 10, "description": "X", "colour": "red"}""")]
    [InlineData("""{"walletId": "WALLET", "amount": "10", "description": "X"}""")]
    [InlineData("""{"walletId": "not-a-guid", "amount": 10, "description": "X"}""")]
    [InlineData("""{"walletId": "WALLET", "amount": 10, "description": "X", "items": [{"sku": "A", "quantity": 1.5, "unitPrice": 1}]}""")]
    [InlineData("""{"walletId": "WALLET", "amount": 10, "description": "X", "items": {"sku": "A"}}""")]
    [InlineData("""{"walletId": "WALLET", "amount": 10,""")]
    public async Task Malformed_orders_are_a_400_and_write_nothing(string json)
    {
        var customer = await FundedCustomerAsync(100m);

        var response = await Client(customer.ApiKey).SendAsync(PostRaw(OrdersUrl, json.Replace("WALLET", customer.WalletId.ToString())));

        await AssertProblem(response, HttpStatusCode.BadRequest, "malformed_request");
        await AssertNothingWrittenAsync(customer);
    }

    [Fact]
    public async Task A_bad_idempotency_key_is_a_400()
    {
        var customer = await FundedCustomerAsync(100m);

        var response = await PlaceOrderAsync(customer, 10m, idempotencyKey: new string('k', 256));

        await AssertProblem(response, HttpStatusCode.BadRequest, "invalid_idempotency_key");
        await AssertNothingWrittenAsync(customer);
    }

    [Fact]
    public async Task Ordering_from_another_customers_wallet_is_a_404_and_writes_nothing()
    {
        var owner = await FundedCustomerAsync(100m, "Owner");
        var other = await FundedCustomerAsync(100m, "Other");

        var response = await Client(other.ApiKey).SendAsync(Post(OrdersUrl, new { walletId = owner.WalletId, amount = 10m, description = "Not my wallet" }));

        await AssertProblem(response, HttpStatusCode.NotFound, "not_found");
        await AssertNothingWrittenAsync(owner);
    }

    [Fact]
    public async Task A_customer_sees_its_own_orders_and_gets_404_for_anothers()
    {
        var alice = await FundedCustomerAsync(100m, "Alice");
        var bob = await FundedCustomerAsync(100m, "Bob");
        var aliceOrder = IdOf(await CompletedOrderAsync(alice, 10m));
        var bobOrder = IdOf(await CompletedOrderAsync(bob, 20m));

        await AssertStatus(await Client(alice.ApiKey).GetAsync(OrderUrl(aliceOrder)), HttpStatusCode.OK);
        await AssertProblem(await Client(alice.ApiKey).GetAsync(OrderUrl(bobOrder)), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await Client(alice.ApiKey).GetAsync(OrderUrl(Guid.NewGuid())), HttpStatusCode.NotFound, "not_found");

        var aliceList = await ReadJson(await Client(alice.ApiKey).GetAsync(OrdersUrl));
        Assert.Equal(1, (int)aliceList["totalCount"]!);
        Assert.Equal(aliceOrder.ToString(), (string?)aliceList["items"]![0]!["id"]);

        var adminList = await ReadJson(await AdminClient().GetAsync(OrdersUrl));
        Assert.Equal(2, (int)adminList["totalCount"]!);
    }

    [Fact]
    public async Task Orders_are_listed_newest_first_in_pages_and_filtered_by_status()
    {
        var customer = await FundedCustomerAsync(1000m);
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            if (i == 2)
                Fulfilment.RejectNextCalls(1, "Out of stock");
            var response = await PlaceOrderAsync(customer, 10m + i, $"Order {i}");
            await AssertStatus(response, HttpStatusCode.Created);
            ids.Add(IdOf(await ReadJson(response)));
            Clock.Advance(TimeSpan.FromSeconds(1));
        }
        var client = Client(customer.ApiKey);

        var page1 = await ReadJson(await client.GetAsync($"{OrdersUrl}?page=1&pageSize=2"));
        var page3 = await ReadJson(await client.GetAsync($"{OrdersUrl}?page=3&pageSize=2"));

        Assert.Equal(5, (int)page1["totalCount"]!);
        Assert.Equal(2, (int)page1["pageSize"]!);
        Assert.Equal([ids[4].ToString(), ids[3].ToString()], page1["items"]!.AsArray().Select(o => (string)o!["id"]!));
        Assert.Equal([ids[0].ToString()], page3["items"]!.AsArray().Select(o => (string)o!["id"]!));

        var failed = await ReadJson(await client.GetAsync($"{OrdersUrl}?status=failed"));
        Assert.Equal(1, (int)failed["totalCount"]!);
        var failedOrder = failed["items"]![0]!;
        Assert.Equal(ids[2].ToString(), (string?)failedOrder["id"]);
        Assert.Null(failedOrder["paymentStatus"]);
        Assert.Equal(0m, (decimal)failedOrder["refundedAmount"]!);

        var completed = await ReadJson(await client.GetAsync($"{OrdersUrl}?status=Completed&pageSize=10"));
        Assert.Equal(4, (int)completed["totalCount"]!);
        Assert.All(completed["items"]!.AsArray(), o => Assert.Equal("Completed", (string?)o!["status"]));
    }

    [Theory]
    [InlineData("?status=Shipped", "status")]
    [InlineData("?status=1", "status")]
    [InlineData("?page=0", "page")]
    [InlineData("?pageSize=101", "pageSize")]
    public async Task Bad_list_parameters_are_a_400(string query, string field)
    {
        var customer = await CreateCustomerAsync();

        var response = await Client(customer.ApiKey).GetAsync(OrdersUrl + query);

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task Orders_need_an_api_key()
    {
        var anonymous = Client(apiKey: null);

        await AssertProblem(await anonymous.GetAsync(OrdersUrl), HttpStatusCode.Unauthorized, "unauthorized");
        await AssertProblem(await anonymous.SendAsync(Post(OrdersUrl, new { walletId = Guid.NewGuid(), amount = 1m, description = "x" })),
            HttpStatusCode.Unauthorized, "unauthorized");
    }

    private async Task AssertNothingWrittenAsync(TestCustomer customer)
    {
        Assert.Equal(0L, await Database.CountAsync("orders"));
        Assert.Equal(0L, await Database.CountAsync("payments", "method = 'Wallet'"));
        Assert.Equal(0L, await Database.CountAsync("ledger_entries", "type = 'Payment'"));
        Assert.Equal(0L, await Database.CountAsync("idempotency_keys", "command = 'CreateOrderCommand'"));
        Assert.Equal(0, Fulfilment.CallCount);
        Assert.Equal(100m, await BalanceAsync(customer.WalletId));
    }
}
