using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Platform;

public sealed class PlatformTests(TestDatabase database) : ApiTestBase(database)
{
    // ---- health ----

    [Fact]
    public async Task Liveness_answers_200_healthy_without_a_key()
    {
        var response = await Client(apiKey: null).GetAsync("/health/live");

        await AssertStatus(response, HttpStatusCode.OK);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
        AssertRequestId(response);
    }

    [Fact]
    public async Task Readiness_is_degraded_on_a_node_that_does_not_run_the_scheduler()
    {
        // The test host builds the scheduler but leaves it stopped (Scheduling:Enabled=false): it still serves traffic.
        var response = await Client(apiKey: null).GetAsync("/health/ready");

        await AssertStatus(response, HttpStatusCode.OK);
        Assert.Equal("Degraded", await response.Content.ReadAsStringAsync());
        AssertRequestId(response);
    }

    [Fact]
    public async Task Readiness_is_healthy_when_the_database_answers_and_the_scheduler_runs()
    {
        await using var node = ApiFactory.StartOnKestrel(Database.ConnectionString,
            settings: new Dictionary<string, string?> { ["Scheduling:Enabled"] = "true" });
        using var client = node.CreateClient();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        string body;
        do
        {
            // The hosted service starts the scheduler once the application has started.
            var response = await client.GetAsync("/health/ready");
            await AssertStatus(response, HttpStatusCode.OK);
            body = await response.Content.ReadAsStringAsync();
            if (body == "Healthy")
                break;
            await Task.Delay(200);
        } while (DateTime.UtcNow < deadline);

        Assert.Equal("Healthy", body);
    }

    [Fact]
    public async Task Health_checks_ignore_a_bad_key()
    {
        var response = await Client("cw_wrong").GetAsync("/health/ready");
        await AssertStatus(response, HttpStatusCode.OK);
    }

    // ---- OpenAPI and Swagger UI ----

    [Fact]
    public async Task The_openapi_document_is_public_json_describing_the_api()
    {
        var response = await Client(apiKey: null).GetAsync("/openapi/v1.json");

        await AssertStatus(response, HttpStatusCode.OK);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.StartsWith("3.", (string?)document["openapi"]);
        var paths = document["paths"]!.AsObject();
        foreach (var path in new[]
                 {
                     "/api/v1/customers", "/api/v1/customers/{id}", "/api/v1/wallets/{id}", "/api/v1/wallets/{id}/transactions",
                     "/api/v1/wallets/{id}/transactions/{entryId}", "/api/v1/wallets/{id}/top-ups", "/api/v1/wallets/{id}/payments",
                     "/api/v1/payments/card", "/api/v1/payments/{id}", "/api/v1/payments",
                 })
            Assert.True(paths.ContainsKey(path), $"the OpenAPI document lacks {path}; it has {string.Join(", ", paths.Select(p => p.Key))}");
        Assert.NotNull(paths["/api/v1/wallets/{id}/payments"]!["post"]);
        Assert.NotNull(paths["/api/v1/payments/card"]!["post"]);
        Assert.Equal("bearer", (string?)document["components"]!["securitySchemes"]!["ApiKey"]!["scheme"]);
        Assert.True(document["security"]!.AsArray()[0]!.AsObject().ContainsKey("ApiKey"));
        AssertRequestId(response);
    }

    [Fact]
    public async Task The_swagger_ui_is_served_as_html_without_a_key()
    {
        var response = await Client(apiKey: null).GetAsync("/swagger/index.html");

        await AssertStatus(response, HttpStatusCode.OK);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<html", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("swagger", html, StringComparison.OrdinalIgnoreCase);
        AssertRequestId(response);
    }

    [Fact]
    public async Task The_swagger_ui_is_configured_with_the_v1_document()
    {
        var response = await Client(apiKey: null).GetAsync("/swagger/index.js");
        await AssertStatus(response, HttpStatusCode.OK);
        Assert.Contains("/openapi/v1.json", await response.Content.ReadAsStringAsync());
    }

    // ---- unknown routes ----

    [Fact]
    public async Task An_unknown_route_with_a_key_is_a_404_problem()
    {
        var response = await AdminClient().GetAsync("/api/v1/nope");

        var problem = await AssertProblem(response, HttpStatusCode.NotFound, "not_found");
        AssertRequestId(response, problem);
    }

    [Fact]
    public async Task An_unknown_route_without_a_key_is_a_401_problem()
    {
        var response = await Client(apiKey: null).GetAsync("/api/v1/nope");
        await AssertProblem(response, HttpStatusCode.Unauthorized, "unauthorized");
        AssertRequestId(response);
    }

    [Fact]
    public async Task A_wrong_method_on_a_known_route_is_a_405_problem()
    {
        var response = await AdminClient().DeleteAsync("/api/v1/customers");
        await AssertProblem(response, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        AssertRequestId(response);
    }

    // ---- authentication ----

    [Fact]
    public async Task Basic_authentication_is_a_401()
    {
        var client = Client(apiKey: null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "xxx");

        var response = await client.GetAsync("/api/v1/customers");

        var problem = await AssertProblem(response, HttpStatusCode.Unauthorized, "unauthorized");
        AssertRequestId(response, problem);
    }

    [Fact]
    public async Task Basic_authentication_carrying_the_admin_key_is_still_a_401()
    {
        var client = Client(apiKey: null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes($"admin:{ApiFactory.AdminKey}")));
        await AssertProblem(await client.GetAsync("/api/v1/customers"), HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Theory]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Bearer cw_unknown")]
    public async Task An_empty_or_unknown_bearer_key_is_a_401(string header)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/customers");
        request.Headers.TryAddWithoutValidation("Authorization", header);
        var response = await Client(apiKey: null).SendAsync(request);
        await AssertProblem(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task An_overlong_key_is_a_401()
    {
        var response = await Client(new string('k', 5000)).GetAsync("/api/v1/customers");
        await AssertProblem(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task The_bearer_scheme_name_is_case_insensitive()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/customers");
        request.Headers.TryAddWithoutValidation("Authorization", $"bearer {ApiFactory.AdminKey}");
        await AssertStatus(await Client(apiKey: null).SendAsync(request), HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_key_in_the_query_string_is_ignored()
    {
        var customer = await CreateCustomerAsync();
        var client = Client(apiKey: null);

        foreach (var name in new[] { "api_key", "apiKey", "access_token", "key" })
            await AssertProblem(await client.GetAsync($"/api/v1/wallets/{customer.WalletId}?{name}={Uri.EscapeDataString(customer.ApiKey)}"),
                HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task A_customer_key_on_an_admin_endpoint_is_a_403_problem()
    {
        var customer = await CreateCustomerAsync();
        var response = await Client(customer.ApiKey).GetAsync("/api/v1/customers");
        var problem = await AssertProblem(response, HttpStatusCode.Forbidden, "forbidden");
        AssertRequestId(response, problem);
    }

    // ---- X-Request-Id ----


    [Fact]
    public async Task Successful_answers_carry_a_request_id_unique_per_request()
    {
        var customer = await CreateCustomerAsync();
        var client = Client(customer.ApiKey);

        var created = await client.SendAsync(Post("/api/v1/payments/card",
            new { amount = 1m, currency = "ZAR", cardToken = "tok_visa", description = "x" }));
        await AssertStatus(created, HttpStatusCode.Created);
        var first = await client.GetAsync($"/api/v1/wallets/{customer.WalletId}");
        var second = await client.GetAsync($"/api/v1/wallets/{customer.WalletId}");
        var list = await AdminClient().GetAsync("/api/v1/customers");

        var ids = new[] { created, first, second, list }.Select(r => AssertRequestId(r)).ToArray();
        Assert.Equal(ids.Length, ids.Distinct().Count());
    }

    [Fact]
    public async Task A_validation_failure_carries_a_request_id_matching_the_problem()
    {
        var response = await AdminClient().PostAsJsonAsync("/api/v1/customers", new { name = "", billingModel = "Payg" });
        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "validation_failed");
        AssertRequestId(response, problem);
    }

    [Fact]
    public async Task A_malformed_body_carries_a_request_id_matching_the_problem()
    {
        var response = await AdminClient().SendAsync(PostRaw("/api/v1/customers", "{"));
        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "malformed_request");
        AssertRequestId(response, problem);
    }

    [Fact]
    public async Task A_not_found_resource_carries_a_request_id_matching_the_problem()
    {
        var response = await AdminClient().GetAsync($"/api/v1/wallets/{Guid.NewGuid()}");
        var problem = await AssertProblem(response, HttpStatusCode.NotFound, "not_found");
        AssertRequestId(response, problem);
    }

    [Fact]
    public async Task A_business_rule_refusal_carries_a_request_id_matching_the_problem()
    {
        var customer = await CreateCustomerAsync();
        var response = await Client(customer.ApiKey).SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 5m, description = "No money" }));
        var problem = await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        AssertRequestId(response, problem);
    }

    [Fact]
    public async Task A_declined_card_carries_a_request_id_matching_the_problem()
    {
        var customer = await CreateCustomerAsync();
        var response = await Client(customer.ApiKey).SendAsync(Post("/api/v1/payments/card",
            new { amount = 5m, currency = "ZAR", cardToken = "tok_declined", description = "Declined" }));
        var problem = await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "card_declined");
        AssertRequestId(response, problem);
    }

    /// <summary>Asserts one non-empty X-Request-Id header, equal to the problem's requestId when there is one, and returns it.</summary>
    private static string AssertRequestId(HttpResponseMessage response, JsonObject? problem = null)
    {
        Assert.True(response.Headers.TryGetValues("X-Request-Id", out var values),
            $"{(int)response.StatusCode} {response.RequestMessage?.RequestUri?.AbsolutePath} has no X-Request-Id header");
        var id = Assert.Single(values);
        Assert.False(string.IsNullOrWhiteSpace(id));
        if (problem is not null)
            Assert.Equal((string?)problem["requestId"], id);
        return id;
    }
}
