using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Customers;

public sealed class CreateCustomerTests(TestDatabase database) : ApiTestBase(database)
{
    private const string Url = "/api/v1/customers";

    [Fact]
    public async Task Creating_a_customer_is_a_201_with_its_location_ids_and_a_working_api_key()
    {
        var response = await AdminClient().PostAsJsonAsync(Url, new { name = "Acme Ltd", billingModel = "Payg" });

        await AssertStatus(response, HttpStatusCode.Created);
        var body = await ReadJson(response);
        Assert.Equal(["apiKey", "customerId", "walletId"], body.Select(p => p.Key).Order(StringComparer.Ordinal));
        var customerId = Guid.Parse((string)body["customerId"]!);
        var walletId = Guid.Parse((string)body["walletId"]!);
        var apiKey = (string)body["apiKey"]!;
        Assert.NotEqual(Guid.Empty, customerId);
        Assert.NotEqual(Guid.Empty, walletId);
        Assert.StartsWith("cw_", apiKey);
        Assert.Equal($"/api/v1/customers/{customerId}", response.Headers.Location?.OriginalString);

        Assert.Equal(1L, await Database.CountAsync("customers",
            "id = $1 AND name = 'Acme Ltd' AND billing_model = 'Payg' AND status = 'Active' AND parent_customer_id IS NULL", customerId));
        Assert.Equal(1L, await Database.CountAsync("wallets",
            "id = $1 AND customer_id = $2 AND balance = 0 AND credit_limit = 0 AND status = 'Active'", walletId, customerId));

        // The key it returned is a customer key for exactly this customer's wallet.
        var own = await Client(apiKey).GetAsync($"/api/v1/wallets/{walletId}");
        await AssertStatus(own, HttpStatusCode.OK);
        var wallet = await ReadJson(own);
        Assert.Equal(walletId.ToString(), (string?)wallet["id"]);
        Assert.Equal(customerId.ToString(), (string?)wallet["customerId"]);
    }

    [Fact]
    public async Task The_api_key_is_stored_only_as_a_hash()
    {
        var customer = await CreateCustomerAsync();

        Assert.Equal(1L, await Database.CountAsync("api_keys",
            "customer_id = $1 AND role = 'Customer' AND revoked_at IS NULL", customer.CustomerId));
        var hash = await Database.ScalarAsync<string>("SELECT key_hash FROM api_keys WHERE customer_id = $1", customer.CustomerId);
        Assert.NotEqual(customer.ApiKey, hash);
        Assert.Matches("^[0-9a-f]{64}$", hash);
        // No column of any key row holds the key itself (nor its secret part after the prefix).
        Assert.Equal(0L, await Database.CountAsync("api_keys a", "strpos(a::text, $1) > 0", customer.ApiKey));
        Assert.Equal(0L, await Database.CountAsync("api_keys a", "strpos(a::text, $1) > 0", customer.ApiKey["cw_".Length..]));
        // The prefix lets staff tell keys apart; it is only the key's first characters.
        var prefix = await Database.ScalarAsync<string>("SELECT prefix FROM api_keys WHERE customer_id = $1", customer.CustomerId);
        Assert.True(prefix.Length < 16, prefix);
        Assert.StartsWith(prefix, customer.ApiKey);
    }

    [Fact]
    public async Task Two_customers_get_different_keys_and_each_key_sees_only_its_own_wallet()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");

        Assert.NotEqual(alice.ApiKey, bob.ApiKey);
        Assert.NotEqual(alice.WalletId, bob.WalletId);
        await AssertStatus(await Client(alice.ApiKey).GetAsync($"/api/v1/wallets/{alice.WalletId}"), HttpStatusCode.OK);
        await AssertProblem(await Client(alice.ApiKey).GetAsync($"/api/v1/wallets/{bob.WalletId}"), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task An_invoice_customer_gets_its_credit_limit_on_the_wallet_and_may_spend_it()
    {
        var response = await AdminClient().PostAsJsonAsync(Url, new { name = "Big Corp", billingModel = "invoice", creditLimit = 500.25m });
        await AssertStatus(response, HttpStatusCode.Created);
        var body = await ReadJson(response);
        var walletId = Guid.Parse((string)body["walletId"]!);

        var wallet = await GetWalletAsync(walletId);
        Assert.Equal(500.25m, (decimal)wallet["creditLimit"]!);
        Assert.Equal(0m, (decimal)wallet["balance"]!);
        Assert.Equal(500.25m, (decimal)wallet["available"]!);

        var customer = await ReadJson(await AdminClient().GetAsync($"/api/v1/customers/{(string)body["customerId"]!}"));
        Assert.Equal("Invoice", (string?)customer["billingModel"]);
    }

    [Fact]
    public async Task The_currency_defaults_to_ZAR()
    {
        var customer = await CreateCustomerAsync();
        Assert.Equal("ZAR", (string?)(await GetWalletAsync(customer.WalletId))["currency"]);
        Assert.Equal(1L, await Database.CountAsync("wallets", "id = $1 AND currency = 'ZAR'", customer.WalletId));
    }

    [Fact]
    public async Task An_explicit_currency_is_used_for_the_wallet()
    {
        var response = await AdminClient().PostAsJsonAsync(Url, new { name = "Dollar Co", billingModel = "Payg", currency = "USD" });
        await AssertStatus(response, HttpStatusCode.Created);
        var walletId = Guid.Parse((string)(await ReadJson(response))["walletId"]!);

        var wallet = await GetWalletAsync(walletId);
        Assert.Equal("USD", (string?)wallet["currency"]);
        Assert.Equal(0m, (decimal)wallet["creditLimit"]!);
    }

    [Fact]
    public async Task A_payg_customer_with_an_explicit_credit_limit_of_zero_is_accepted()
    {
        var response = await AdminClient().PostAsJsonAsync(Url, new { name = "Zero", billingModel = "payg", creditLimit = 0m });
        await AssertStatus(response, HttpStatusCode.Created);
        Assert.Equal(1L, await Database.CountAsync("customers", "name = 'Zero' AND billing_model = 'Payg'"));
        Assert.Equal(1L, await Database.CountAsync("wallets", "credit_limit = 0"));
    }

    [Fact]
    public async Task A_name_of_exactly_200_characters_is_accepted()
    {
        var name = new string('n', 200);
        var response = await AdminClient().PostAsJsonAsync(Url, new { name, billingModel = "Payg" });
        await AssertStatus(response, HttpStatusCode.Created);
        Assert.Equal(1L, await Database.CountAsync("customers", "name = $1", name));
    }

    [Theory]
    [InlineData("Payg,Payg")]
    [InlineData(" Payg")]
    [InlineData("Payg ")]
    public async Task A_payg_customer_cannot_get_a_credit_limit_through_an_odd_spelling_of_payg(string billingModel)
    {
        var response = await AdminClient().PostAsJsonAsync(Url, new { name = "Sly", billingModel, creditLimit = 1000m });

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity,
            $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await AssertNothingWritten();
    }

    [Theory]
    [InlineData("Payg,Payg")]
    [InlineData(" Payg")]
    [InlineData("Payg,Invoice")]
    public async Task A_billing_model_that_is_not_exactly_one_name_is_a_400(string billingModel)
    {
        var response = await AdminClient().PostAsJsonAsync(Url, new { name = "Sly", billingModel, creditLimit = 1000m });
        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem["errors"]!.AsObject().ContainsKey("billingModel") || problem["errors"]!.AsObject().ContainsKey("creditLimit"),
            problem.ToJsonString());
        await AssertNothingWritten();
    }

    public static TheoryData<string, string, string> InvalidBodies => new()
    {
        { "missing name", """{"billingModel":"Payg"}""", "name" },
        { "blank name", """{"name":"   ","billingModel":"Payg"}""", "name" },
        { "name of 201 characters", $$"""{"name":"{{new string('n', 201)}}","billingModel":"Payg"}""", "name" },
        { "missing billing model", """{"name":"Acme"}""", "billingModel" },
        { "unknown billing model", """{"name":"Acme","billingModel":"Gold"}""", "billingModel" },
        { "numeric billing model", """{"name":"Acme","billingModel":"1"}""", "billingModel" },
        { "payg with a credit limit", """{"name":"Acme","billingModel":"Payg","creditLimit":10}""", "creditLimit" },
        { "negative credit limit", """{"name":"Acme","billingModel":"Invoice","creditLimit":-1}""", "creditLimit" },
        { "credit limit over the maximum", """{"name":"Acme","billingModel":"Invoice","creditLimit":1000000.01}""", "creditLimit" },
        { "credit limit with three decimals", """{"name":"Acme","billingModel":"Invoice","creditLimit":1.005}""", "creditLimit" },
        { "lower-case currency", """{"name":"Acme","billingModel":"Payg","currency":"usd"}""", "currency" },
        { "two-letter currency", """{"name":"Acme","billingModel":"Payg","currency":"US"}""", "currency" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Invalid_input_is_a_400_naming_the_field_and_writes_nothing(string why, string json, string field)
    {
        var response = await AdminClient().SendAsync(PostRaw(Url, json));

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "validation_failed");
        var errors = problem["errors"]?.AsObject();
        Assert.NotNull(errors);
        Assert.True(errors.ContainsKey(field), $"{why}: expected an error for '{field}' in {errors.ToJsonString()}");
        Assert.NotEmpty(errors[field]!.AsArray());
        await AssertNothingWritten();
    }

    [Fact]
    public async Task Several_invalid_fields_are_all_reported()
    {
        var response = await AdminClient().SendAsync(PostRaw(Url, """{"name":"","billingModel":"Gold","currency":"usd"}"""));

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "validation_failed");
        var errors = problem["errors"]!.AsObject();
        Assert.Equal(["billingModel", "currency", "name"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Equal("'name' is required.", (string?)errors["name"]![0]);
        Assert.Contains("Payg", (string?)errors["billingModel"]![0]);
        Assert.Contains("Invoice", (string?)errors["billingModel"]![0]);
        await AssertNothingWritten();
    }

    [Fact]
    public async Task An_unknown_field_is_a_400_malformed_request_naming_it()
    {
        var response = await AdminClient().SendAsync(PostRaw(Url, """{"name":"Acme","billingModel":"Payg","tier":"gold"}"""));

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "malformed_request");
        var errors = problem["errors"]!.AsObject();
        Assert.Equal("Unknown field.", (string?)errors.Single().Value![0]);
        Assert.Contains("tier", errors.Single().Key);
        await AssertNothingWritten();
    }

    [Theory]
    [InlineData("""{"name":"Acme","billingModel":"Payg","creditLimit":"10"}""")]
    [InlineData("""{"name":42,"billingModel":"Payg"}""")]
    [InlineData("""{"name":"Acme",""")]
    [InlineData("")]
    public async Task A_malformed_body_is_a_400_malformed_request(string json)
    {
        var response = await AdminClient().SendAsync(PostRaw(Url, json));
        await AssertProblem(response, HttpStatusCode.BadRequest, "malformed_request");
        await AssertNothingWritten();
    }

    [Fact]
    public async Task A_customer_key_may_not_create_customers()
    {
        var customer = await CreateCustomerAsync();

        var response = await Client(customer.ApiKey).PostAsJsonAsync(Url, new { name = "Sneaky", billingModel = "Payg" });

        await AssertProblem(response, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(1L, await Database.CountAsync("customers"));
        Assert.Equal(1L, await Database.CountAsync("api_keys"));
    }

    [Fact]
    public async Task No_key_is_a_401()
    {
        var response = await Client(apiKey: null).PostAsJsonAsync(Url, new { name = "Anon", billingModel = "Payg" });
        await AssertProblem(response, HttpStatusCode.Unauthorized, "unauthorized");
        await AssertNothingWritten();
    }

    [Theory]
    [InlineData("cw_not-a-real-key")]
    [InlineData(ApiFactory.AdminKey + "x")]
    public async Task A_wrong_key_is_a_401(string key)
    {
        var response = await Client(key).PostAsJsonAsync(Url, new { name = "Anon", billingModel = "Payg" });
        await AssertProblem(response, HttpStatusCode.Unauthorized, "unauthorized");
        await AssertNothingWritten();
    }

    [Fact]
    public async Task The_admin_key_sent_without_the_bearer_scheme_is_a_401()
    {
        var client = Client(apiKey: null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Token", ApiFactory.AdminKey);
        var response = await client.PostAsJsonAsync(Url, new { name = "Anon", billingModel = "Payg" });
        await AssertProblem(response, HttpStatusCode.Unauthorized, "unauthorized");
        await AssertNothingWritten();
    }

    private async Task AssertNothingWritten()
    {
        Assert.Equal(0L, await Database.CountAsync("customers"));
        Assert.Equal(0L, await Database.CountAsync("wallets"));
        Assert.Equal(0L, await Database.CountAsync("api_keys"));
    }
}
