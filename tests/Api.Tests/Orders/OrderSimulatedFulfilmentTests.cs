using System.Net;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Orders;

/// <summary>With no <c>Fulfilment:BaseUrl</c>, the built-in simulated service fulfils every order unless its description says [fail].</summary>
public sealed class OrderSimulatedFulfilmentTests(TestDatabase database) : ApiTestBase(database)
{
    [Fact]
    public async Task The_simulated_service_fulfils_an_order()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 50m);

        var response = await Client(customer.ApiKey).SendAsync(Post("/api/v1/orders",
            new { walletId = customer.WalletId, amount = 20m, description = "Backup storage" }));

        await AssertStatus(response, HttpStatusCode.Created);
        var order = await ReadJson(response);
        Assert.Equal("Completed", (string?)order["status"]);
        Assert.StartsWith("sim_ful_", (string?)order["fulfilmentId"]);
        Assert.Equal(30m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Fact]
    public async Task The_simulated_service_refuses_an_order_marked_fail_which_is_failed_with_nothing_charged()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 50m);

        var response = await Client(customer.ApiKey).SendAsync(Post("/api/v1/orders",
            new { walletId = customer.WalletId, amount = 20m, description = "Backup storage [fail]" }));

        await AssertStatus(response, HttpStatusCode.Created);
        var order = await ReadJson(response);
        Assert.Equal("Failed", (string?)order["status"]);
        Assert.Null(order["paymentStatus"]);
        var wallet = await GetWalletAsync(customer.WalletId);
        Assert.Equal(50m, (decimal)wallet["balance"]!);
        Assert.Equal(50m, (decimal)wallet["available"]!);
    }
}
