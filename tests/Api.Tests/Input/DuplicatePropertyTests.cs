using System.Net;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Input;

/// <summary>
/// A field sent twice is a 400: if the last one silently won, a proxy or log that reads the first would see another
/// amount than the one applied.
/// </summary>
public sealed class DuplicatePropertyTests(TestDatabase database) : InputTestBase(database)
{
    public static TheoryData<string, string, string> Bodies => new()
    {
        { "wallet payment", "/api/v1/wallets/{wallet}/payments", """{"amount":1,"amount":999999,"description":"x"}""" },
        { "wallet payment description", "/api/v1/wallets/{wallet}/payments", """{"amount":1,"description":"a","description":"b"}""" },
        { "top-up", "/api/v1/wallets/{wallet}/top-ups", """{"amount":1,"cardToken":"tok_visa","amount":999999}""" },
        { "card payment", "/api/v1/payments/card", """{"amount":1,"currency":"ZAR","currency":"USD","cardToken":"tok_visa","description":"x"}""" },
        { "transfer", "/api/v1/transfers", """{"fromWalletId":"{wallet}","toWalletId":"{other}","amount":1,"amount":50,"description":"x"}""" },
        { "order item", "/api/v1/orders",
            """{"walletId":"{wallet}","amount":5,"description":"o","items":[{"sku":"A","quantity":1,"quantity":5,"unitPrice":5}]}""" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task A_duplicate_property_is_a_400_malformed_request_and_writes_nothing(string why, string url, string json)
    {
        var customer = await CreateCustomerAsync();
        var other = await CreateCustomerAsync(name: "Other");
        await TopUpAsync(customer.WalletId, 100m);
        var before = await CountWritesAsync();
        string Fill(string text) => text.Replace("{wallet}", customer.WalletId.ToString()).Replace("{other}", other.WalletId.ToString());

        var response = await Client(customer.ApiKey).SendAsync(PostRaw(Fill(url), Fill(json)));

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "malformed_request");
        Assert.Contains("The field appears more than once.", problem["errors"]!.ToJsonString());
        var after = await CountWritesAsync();
        Assert.True(before.SequenceEqual(after), $"{why}: a refused request wrote a row");
        Assert.Equal(100m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Fact]
    public async Task The_same_body_without_the_duplicate_is_applied()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);

        var response = await Client(customer.ApiKey).SendAsync(PostRaw($"/api/v1/wallets/{customer.WalletId}/payments",
            """{"amount":1,"description":"x"}"""));

        await AssertStatus(response, HttpStatusCode.Created);
        Assert.Equal(99m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }
}
