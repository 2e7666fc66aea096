using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Customers;

public sealed class CustomerQueryTests(TestDatabase database) : ApiTestBase(database)
{
    [Fact]
    public async Task An_admin_gets_a_customer_by_id()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        var response = await AdminClient().PostAsJsonAsync("/api/v1/customers", new { name = "  Padded Name  ", billingModel = "invoice", creditLimit = 100m });
        await AssertStatus(response, HttpStatusCode.Created);
        var customerId = (string)(await ReadJson(response))["customerId"]!;

        var get = await AdminClient().GetAsync($"/api/v1/customers/{customerId}");

        await AssertStatus(get, HttpStatusCode.OK);
        var customer = await ReadJson(get);
        Assert.Equal(["billingModel", "createdAt", "id", "name", "parentCustomerId", "status"],
            customer.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(customerId, (string?)customer["id"]);
        Assert.Equal("Padded Name", (string?)customer["name"]);
        Assert.Equal("Invoice", (string?)customer["billingModel"]);
        Assert.Equal("Active", (string?)customer["status"]);
        Assert.Null(customer["parentCustomerId"]);
        var createdAt = DateTimeOffset.Parse((string)customer["createdAt"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(createdAt, before, DateTimeOffset.UtcNow.AddSeconds(5));
    }

    [Fact]
    public async Task An_unknown_customer_is_a_404()
    {
        await CreateCustomerAsync();
        var response = await AdminClient().GetAsync($"/api/v1/customers/{Guid.NewGuid()}");
        await AssertProblem(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task A_non_guid_customer_id_is_a_404()
    {
        var response = await AdminClient().GetAsync("/api/v1/customers/12345");
        await AssertProblem(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task A_customer_key_may_not_read_customers_not_even_itself()
    {
        var customer = await CreateCustomerAsync();
        var client = Client(customer.ApiKey);

        await AssertProblem(await client.GetAsync($"/api/v1/customers/{customer.CustomerId}"), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await client.GetAsync("/api/v1/customers"), HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Reading_customers_without_a_key_is_a_401()
    {
        var customer = await CreateCustomerAsync();
        await AssertProblem(await Client(apiKey: null).GetAsync($"/api/v1/customers/{customer.CustomerId}"), HttpStatusCode.Unauthorized, "unauthorized");
        await AssertProblem(await Client(apiKey: null).GetAsync("/api/v1/customers"), HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task The_list_pages_newest_first_with_the_total_count()
    {
        var first = await CreateCustomerAsync(name: "First");
        var second = await CreateCustomerAsync(name: "Second");
        var third = await CreateCustomerAsync(name: "Third");

        var page1 = await ListAsync("?page=1&pageSize=2");
        Assert.Equal(1, (int)page1["page"]!);
        Assert.Equal(2, (int)page1["pageSize"]!);
        Assert.Equal(3, (int)page1["totalCount"]!);
        Assert.Equal([third.CustomerId, second.CustomerId], Ids(page1));
        Assert.Equal("Third", (string?)page1["items"]![0]!["name"]);

        var page2 = await ListAsync("?page=2&pageSize=2");
        Assert.Equal(2, (int)page2["page"]!);
        Assert.Equal(3, (int)page2["totalCount"]!);
        Assert.Equal([first.CustomerId], Ids(page2));

        var beyond = await ListAsync("?page=3&pageSize=2");
        Assert.Empty(beyond["items"]!.AsArray());
        Assert.Equal(3, (int)beyond["totalCount"]!);
    }

    [Fact]
    public async Task The_list_defaults_to_page_1_of_20()
    {
        await CreateCustomerAsync(name: "Only");

        var list = await ListAsync("");

        Assert.Equal(["items", "page", "pageSize", "totalCount"], list.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(1, (int)list["page"]!);
        Assert.Equal(20, (int)list["pageSize"]!);
        Assert.Equal(1, (int)list["totalCount"]!);
        Assert.Equal("Only", (string?)list["items"]![0]!["name"]);
    }

    [Fact]
    public async Task An_empty_list_is_an_empty_page()
    {
        var list = await ListAsync("?pageSize=100");
        Assert.Empty(list["items"]!.AsArray());
        Assert.Equal(0, (int)list["totalCount"]!);
        Assert.Equal(100, (int)list["pageSize"]!);
    }

    [Theory]
    [InlineData("?pageSize=0", "pageSize")]
    [InlineData("?pageSize=101", "pageSize")]
    [InlineData("?page=0", "page")]
    [InlineData("?page=-1&pageSize=10", "page")]
    public async Task Out_of_range_paging_is_a_400_naming_the_parameter(string query, string field)
    {
        var response = await AdminClient().GetAsync($"/api/v1/customers{query}");
        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem["errors"]!.AsObject().ContainsKey(field), problem.ToJsonString());
    }

    [Fact]
    public async Task A_page_far_beyond_the_end_is_empty()
    {
        await CreateCustomerAsync();
        var list = await ListAsync("?page=21474837&pageSize=100");
        Assert.Empty(list["items"]!.AsArray());
        Assert.Equal(1, (int)list["totalCount"]!);
    }

    [Theory]
    [InlineData(int.MaxValue, 100)]
    [InlineData(21474838, 100)]
    public async Task A_huge_page_number_is_not_a_server_error(int page, int pageSize)
    {
        await CreateCustomerAsync();
        var response = await AdminClient().GetAsync($"/api/v1/customers?page={page}&pageSize={pageSize}");
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest,
            $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task A_non_numeric_page_is_a_400()
    {
        var response = await AdminClient().GetAsync("/api/v1/customers?page=two");
        await AssertProblem(response, HttpStatusCode.BadRequest, "malformed_request");
    }

    private async Task<JsonObject> ListAsync(string query)
    {
        var response = await AdminClient().GetAsync($"/api/v1/customers{query}");
        await AssertStatus(response, HttpStatusCode.OK);
        return await ReadJson(response);
    }

    private static Guid[] Ids(JsonObject page) =>
        page["items"]!.AsArray().Select(item => Guid.Parse((string)item!["id"]!)).ToArray();
}
