using System.Net;
using System.Net.Http.Json;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Input;

/// <summary>Currencies are active ISO 4217 codes, checked by the one rule in the domain's Money for wallets and card payments alike.</summary>
public sealed class CurrencyTests(TestDatabase database) : InputTestBase(database)
{
    [Theory]
    [InlineData("QQQ")]
    [InlineData("ABC")]
    [InlineData("XXX")]
    [InlineData("XTS")]
    [InlineData("XAU")]
    [InlineData("zar")]
    public async Task A_customer_wallet_in_a_currency_that_is_not_ISO_4217_is_a_400_and_nothing_is_created(string currency)
    {
        var before = await CountWritesAsync();

        var response = await OpenCustomerAsync(currency);

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(problem["errors"]!["currency"]);
        Assert.Equal(before, await CountWritesAsync());
    }

    [Theory]
    [InlineData("ZAR")]
    [InlineData("USD")]
    [InlineData("EUR")]
    [InlineData("JPY")]
    public async Task A_customer_wallet_in_an_ISO_4217_currency_is_opened(string currency)
    {
        var response = await OpenCustomerAsync(currency);

        await AssertStatus(response, HttpStatusCode.Created);
        var walletId = Guid.Parse((string)(await ReadJson(response))["walletId"]!);
        Assert.Equal(currency, (string?)(await GetWalletAsync(walletId))["currency"]);
    }

    [Theory]
    [InlineData("QQQ")]
    [InlineData("XXX")]
    [InlineData("usd")]
    public async Task A_card_payment_in_a_currency_that_is_not_ISO_4217_is_a_400_and_nothing_is_charged(string currency)
    {
        var customer = await CreateCustomerAsync();
        var before = await CountWritesAsync();

        var response = await PayByCardAsync(customer, currency);

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(problem["errors"]!["currency"]);
        Assert.Equal(before, await CountWritesAsync());
    }

    [Theory]
    [InlineData("ZAR")]
    [InlineData("USD")]
    [InlineData("EUR")]
    public async Task A_card_payment_in_an_ISO_4217_currency_is_accepted(string currency)
    {
        var response = await PayByCardAsync(await CreateCustomerAsync(), currency);

        await AssertStatus(response, HttpStatusCode.Created);
        Assert.Equal(currency, (string?)(await ReadJson(response))["currency"]);
        Assert.Equal(1L, await Database.CountAsync("payments", "currency = $1 AND status = 'Paid'", currency));
    }

    private Task<HttpResponseMessage> OpenCustomerAsync(string currency) =>
        AdminClient().PostAsJsonAsync("/api/v1/customers", new { name = "Acme", billingModel = "Payg", currency });

    private Task<HttpResponseMessage> PayByCardAsync(TestCustomer customer, string currency) =>
        Client(customer.ApiKey).SendAsync(Post("/api/v1/payments/card",
            new { amount = 10m, currency, cardToken = "tok_visa", description = "Licence" }, "card-1"));
}
