using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Http;

/// <summary>
/// What the router answers by itself — no such route, an id that is not a GUID, a method the route does not take — is
/// the API's own problem+json like every other error, not the framework's empty answer.
/// </summary>
public sealed class RoutingProblemTests(TestDatabase database) : ApiTestBase(database)
{
    [Theory]
    [InlineData("/api/v1/wallets/not-a-guid")]
    [InlineData("/api/v1/nope")]
    [InlineData("/api/v1/wallets/00000000-0000-0000-0000-000000000001/nope")]
    [InlineData("/api/v2/wallets")]
    public async Task An_unknown_route_or_a_non_guid_id_is_a_404_problem_with_a_code_and_the_request_id(string url)
    {
        var response = await AdminClient().GetAsync(url);

        var problem = await AssertProblem(response, HttpStatusCode.NotFound, "not_found");
        AssertCarriesTheRequestId(response, problem);
        Assert.Equal(url, (string?)problem["instance"]);
        Assert.False(string.IsNullOrEmpty((string?)problem["detail"]));
    }

    [Fact]
    public async Task The_404_problem_is_json_even_for_a_client_that_asks_for_html()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/nope");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));

        var response = await AdminClient().SendAsync(request);

        await AssertProblem(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task An_unknown_route_without_a_key_is_a_401_so_the_api_tells_strangers_nothing_about_its_routes()
    {
        var response = await Client(apiKey: null).GetAsync("/api/v1/nope");

        await AssertProblem(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task A_payment_to_a_non_guid_wallet_is_a_404_problem_and_writes_nothing()
    {
        var response = await AdminClient().SendAsync(Post("/api/v1/wallets/not-a-guid/payments", new { amount = 1m, description = "x" }));

        await AssertProblem(response, HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0L, await Database.CountAsync("ledger_entries"));
    }

    [Fact]
    public async Task A_method_a_known_route_does_not_take_is_a_405_problem_with_allow()
    {
        var customer = await CreateCustomerAsync();

        var delete = await AdminClient().DeleteAsync($"/api/v1/wallets/{customer.WalletId}");
        var problem = await AssertProblem(delete, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        AssertCarriesTheRequestId(delete, problem);
        Assert.Equal(["GET"], delete.Content.Headers.Allow);

        var put = await AdminClient().PutAsync("/api/v1/customers", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        await AssertProblem(put, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        Assert.Equal(["GET", "POST"], put.Content.Headers.Allow.Order(StringComparer.Ordinal));
        Assert.Equal(1L, await Database.CountAsync("customers"));
    }

    [Fact]
    public async Task Health_openapi_swagger_and_the_dashboards_answer_as_before()
    {
        using var anonymous = Client(apiKey: null);
        await AssertStatus(await anonymous.GetAsync("/health/live"), HttpStatusCode.OK);
        await AssertStatus(await anonymous.GetAsync("/health/ready"), HttpStatusCode.OK);
        var openApi = await anonymous.GetAsync("/openapi/v1.json");
        await AssertStatus(openApi, HttpStatusCode.OK);
        Assert.Equal("application/json", openApi.Content.Headers.ContentType?.MediaType);
        var swagger = await anonymous.GetAsync("/swagger/index.html");
        await AssertStatus(swagger, HttpStatusCode.OK);
        Assert.Equal("text/html", swagger.Content.Headers.ContentType?.MediaType);

        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = anonymous.BaseAddress };
        var login = await browser.GetAsync("/ops/login");
        await AssertStatus(login, HttpStatusCode.OK);
        Assert.Equal("text/html", login.Content.Headers.ContentType?.MediaType);
        foreach (var dashboard in new[] { "/ops", "/hangfire" })
        {
            var response = await browser.GetAsync(dashboard);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/ops/login", response.Headers.Location!.AbsolutePath);
        }
    }

    private static void AssertCarriesTheRequestId(HttpResponseMessage response, JsonObject problem)
    {
        var requestId = (string?)problem["requestId"];
        Assert.False(string.IsNullOrEmpty(requestId));
        Assert.Equal(requestId, response.Headers.GetValues("X-Request-Id").Single());
    }
}
