using System.Net;
using System.Text;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Api.Tests.Input;

namespace CleanWallet.Api.Tests.Http;

/// <summary>
/// Bodies are read strictly: names match exactly, a name is given once, nothing unknown, and only application/json
/// (optionally charset=utf-8) is read at all. Every refusal is a 4xx problem+json with a code and writes nothing.
/// </summary>
public sealed class StrictJsonTests(TestDatabase database) : InputTestBase(database)
{
    [Theory]
    [InlineData("""{"Amount":10,"description":"x"}""")]
    [InlineData("""{"amount":1,"Amount":99,"description":"x"}""")]
    public async Task A_payment_whose_amount_is_spelled_Amount_is_a_400_and_writes_nothing(string json)
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var before = await CountWritesAsync();

        var response = await Client(customer.ApiKey).SendAsync(PostRaw($"/api/v1/wallets/{customer.WalletId}/payments", json));

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "malformed_request");
        Assert.Equal("""["Unknown field."]""", problem["errors"]!["$.Amount"]!.ToJsonString());
        Assert.Equal(before, await CountWritesAsync());
        Assert.Equal(100m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Fact]
    public async Task A_customer_created_with_pascal_case_names_is_a_400_and_writes_nothing()
    {
        var before = await CountWritesAsync();

        var response = await AdminClient().SendAsync(PostRaw("/api/v1/customers", """{"Name":"Acme","BillingModel":"Payg"}"""));

        await AssertProblem(response, HttpStatusCode.BadRequest, "malformed_request");
        Assert.Equal(before, await CountWritesAsync());
    }

    [Fact]
    public async Task A_duplicate_amount_is_a_400_and_writes_nothing()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var before = await CountWritesAsync();

        var response = await Client(customer.ApiKey).SendAsync(PostRaw($"/api/v1/wallets/{customer.WalletId}/payments",
            """{"amount":1,"description":"x","amount":90}"""));

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "malformed_request");
        Assert.Contains("The field appears more than once.", problem["errors"]!.ToJsonString());
        Assert.Equal(before, await CountWritesAsync());
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem_with_a_code_and_writes_nothing()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var before = await CountWritesAsync();

        var response = await Client(customer.ApiKey).SendAsync(PostRaw($"/api/v1/wallets/{customer.WalletId}/payments",
            """{"amount":1,"description":"x" """));

        await AssertProblem(response, HttpStatusCode.BadRequest, "malformed_request");
        Assert.Equal(before, await CountWritesAsync());
    }

    public static TheoryData<string?> RefusedContentTypes => new()
    {
        "text/plain",
        "text/plain; charset=utf-8",
        "application/x-www-form-urlencoded",
        "application/xml",
        "application/vnd.cleanwallet+json",
        "application/problem+json",
        "text/json",
        "application/json; charset=iso-8859-1",
        "application/json; charset=utf-8; version=2",
        null,
    };

    [Theory]
    [MemberData(nameof(RefusedContentTypes))]
    public async Task A_payment_body_that_is_not_application_json_is_a_415_and_writes_nothing(string? contentType)
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var before = await CountWritesAsync();

        var response = await Client(customer.ApiKey).SendAsync(Raw($"/api/v1/wallets/{customer.WalletId}/payments",
            """{"amount":1,"description":"x"}""", contentType));

        await AssertProblem(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        Assert.Equal(before, await CountWritesAsync());
        Assert.Equal(100m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON; Charset=UTF-8")]
    [InlineData("application/json;charset=\"utf-8\"")]
    public async Task A_payment_sent_as_application_json_with_or_without_charset_utf_8_is_applied(string contentType)
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);

        var response = await Client(customer.ApiKey).SendAsync(Raw($"/api/v1/wallets/{customer.WalletId}/payments",
            """{"amount":1,"description":"x"}""", contentType));

        await AssertStatus(response, HttpStatusCode.Created);
        Assert.Equal(99m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Fact]
    public async Task A_form_posted_to_an_endpoint_that_takes_no_body_is_a_415_and_changes_nothing()
    {
        var customer = await CreateCustomerAsync();
        var before = await CountWritesAsync();

        var response = await AdminClient().SendAsync(Raw($"/api/v1/wallets/{customer.WalletId}/freeze", "reason=x",
            "application/x-www-form-urlencoded"));

        await AssertProblem(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        Assert.Equal(before, await CountWritesAsync());
        Assert.Equal("Active", (string?)(await GetWalletAsync(customer.WalletId))["status"]);
    }

    [Fact]
    public async Task Without_a_key_a_text_body_is_a_401_first()
    {
        var response = await Client(apiKey: null).SendAsync(Raw("/api/v1/customers", "hello", "text/plain"));

        await AssertProblem(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    private static HttpRequestMessage Raw(string url, string body, string? contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
    }
}
