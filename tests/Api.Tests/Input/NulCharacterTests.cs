using System.Net;
using System.Net.Sockets;
using System.Text;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Input;

/// <summary>PostgreSQL text cannot hold U+0000: a NUL in any text field, filter or path is a 400 that changes nothing, never a 500.</summary>
public sealed class NulCharacterTests(TestDatabase database) : InputTestBase(database)
{
    private const string Nul = "\\u0000";

    /// <summary>(why, url template, JSON body with a NUL in one text field, the field the answer names, whether the customer sends it).</summary>
    public static TheoryData<string, string, string, string, bool> Bodies => new()
    {
        { "customer name", "/api/v1/customers", $$"""{"name":"Ac{{Nul}}me","billingModel":"Payg"}""", "$.name", false },
        { "customer currency", "/api/v1/customers", $$"""{"name":"Acme","billingModel":"Payg","currency":"ZA{{Nul}}"}""", "$.currency", false },
        { "payment description", "/api/v1/wallets/{wallet}/payments", $$"""{"amount":5,"description":"Lunch{{Nul}}"}""", "$.description", true },
        { "payment order reference", "/api/v1/wallets/{wallet}/payments", $$"""{"amount":5,"description":"Lunch","reference":"ORD-1{{Nul}}"}""",
            "$.reference", true },
        { "card token of a top-up", "/api/v1/wallets/{wallet}/top-ups", $$"""{"amount":5,"cardToken":"tok_visa{{Nul}}"}""", "$.cardToken", true },
        { "card payment description", "/api/v1/payments/card",
            $$"""{"amount":5,"currency":"ZAR","cardToken":"tok_visa","description":"{{Nul}}"}""", "$.description", true },
        { "order item sku", "/api/v1/orders",
            $$"""{"walletId":"{wallet}","amount":5,"description":"Order","items":[{"sku":"VM{{Nul}}S","quantity":1,"unitPrice":5}]}""",
            "$.items[0].sku", true },
        { "VM name", "/api/v1/vms", $$"""{"walletId":"{wallet}","name":"web{{Nul}}1","size":"Small"}""", "$.name", true },
        { "VM size", "/api/v1/vms", $$"""{"walletId":"{wallet}","name":"web-1","size":"Small{{Nul}}"}""", "$.size", true },
        { "adjustment reason", "/api/v1/wallets/{wallet}/adjustments", $$"""{"direction":"Credit","amount":5,"reason":"Goodwill{{Nul}}"}""",
            "$.reason", false },
        { "freeze reason", "/api/v1/wallets/{wallet}/freeze", $$"""{"reason":"{{Nul}}"}""", "$.reason", false },
        { "transfer description", "/api/v1/transfers",
            $$"""{"fromWalletId":"{wallet}","toWalletId":"{wallet}","amount":5,"description":"Move{{Nul}}"}""", "$.description", true },
        { "staff key name", "/api/v1/admin/api-keys", $$"""{"name":"Night{{Nul}}","role":"ops"}""", "$.name", false },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task A_NUL_in_a_text_field_is_a_400_naming_the_field_and_writes_nothing(string why, string url, string json, string field,
        bool asCustomer)
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var before = await CountWritesAsync();
        var wallet = customer.WalletId.ToString();
        var client = asCustomer ? Client(customer.ApiKey) : AdminClient();
        var request = PostRaw(url.Replace("{wallet}", wallet), json.Replace("{wallet}", wallet));
        request.Headers.Add("Idempotency-Key", $"nul-{why.Replace(' ', '-')}");

        var response = await client.SendAsync(request);

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "malformed_request");
        Assert.Equal(["Text may not contain the NUL character (U+0000)."], problem["errors"]![field]!.AsArray().Select(m => (string)m!));
        Assert.Equal(before, await CountWritesAsync());
        Assert.Equal(100m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Theory]
    [InlineData("/api/v1/payments?status=Pa%00id", "status")]
    [InlineData("/api/v1/orders?status=%00", "status")]
    [InlineData("/api/v1/vms?status=Running%00", "status")]
    [InlineData("/api/v1/admin/audit?action=wallet.freeze%00", "action")]
    [InlineData("/api/v1/admin/jobs/runs?job=billing%00", "job")]
    [InlineData("/api/v1/wallets/{wallet}/transactions?type=Deposit%00", "type")]
    [InlineData("/api/v1/wallets/{wallet}/transactions?type=Deposit&unknown=%00", "unknown")]
    public async Task A_NUL_in_a_query_filter_is_a_400_naming_the_filter(string url, string field)
    {
        var customer = await CreateCustomerAsync();
        var before = await CountWritesAsync();

        var response = await AdminClient().GetAsync(url.Replace("{wallet}", customer.WalletId.ToString()));

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "malformed_request");
        Assert.NotNull(problem["errors"]![field]);
        Assert.Equal(before, await CountWritesAsync());
    }

    [Theory]
    [InlineData("POST", "/api/v1/admin/jobs/billing%00/trigger")]
    [InlineData("GET", "/api/v1/wallets/{wallet}/statements/2026-1%000")]
    public async Task A_NUL_in_the_path_is_a_400_or_no_route_never_a_500(string method, string url)
    {
        var customer = await CreateCustomerAsync();
        var before = await CountWritesAsync();

        var response = await AdminClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), url.Replace("{wallet}", customer.WalletId.ToString())));

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound,
            $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(before, await CountWritesAsync());
    }

    [Fact]
    public async Task A_NUL_in_the_idempotency_key_header_is_refused_by_the_server_and_writes_nothing()
    {
        // HttpClient will not send a NUL in a header, so this request is written by hand on a raw socket.
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var before = await CountWritesAsync();
        var address = new Uri(Factory.CreateClient().BaseAddress!, "/");
        const string body = """{"amount":5,"description":"Lunch"}""";
        var request = $"POST /api/v1/wallets/{customer.WalletId}/payments HTTP/1.1\r\nHost: {address.Authority}\r\n" +
                      $"Authorization: Bearer {customer.ApiKey}\r\nContent-Type: application/json\r\nIdempotency-Key: key\0one\r\n" +
                      $"Content-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        await using var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var answer = await new StreamReader(stream, Encoding.ASCII).ReadToEndAsync();

        Assert.StartsWith("HTTP/1.1 400", answer);
        Assert.Equal(before, await CountWritesAsync());
    }
}
