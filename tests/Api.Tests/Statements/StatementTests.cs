using System.Net;
using System.Net.Http.Headers;
using CleanWallet.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CleanWallet.Api.Tests.Statements;

public sealed class StatementTests(TestDatabase database) : ApiTestBase(database)
{
    private readonly MutableClock _clock = new(new DateTimeOffset(2026, 10, 15, 9, 0, 0, TimeSpan.Zero));

    protected override ApiFactory CreateFactory() =>
        ApiFactory.StartOnKestrel(Database.ConnectionString, services => services.AddSingleton<TimeProvider>(_clock));

    private async Task<TestCustomer> TwoMonthsOfActivityAsync()
    {
        var customer = await CreateCustomerAsync();
        var client = Client(customer.ApiKey);
        await TopUpAsync(customer.WalletId, 100m, client);
        await AssertStatus(await client.SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments", new { amount = 30m, description = "October, order 1" })), HttpStatusCode.Created);
        _clock.Now = new DateTimeOffset(2026, 10, 31, 23, 59, 59, TimeSpan.Zero);
        await AssertStatus(await client.SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments", new { amount = 0.5m, description = "=HYPERLINK(\"x\"), last second" })), HttpStatusCode.Created);
        _clock.Now = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        await AssertStatus(await client.SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments", new { amount = 20m, description = "November" })), HttpStatusCode.Created);
        await TopUpAsync(customer.WalletId, 5m, client);
        return customer;
    }

    [Fact]
    public async Task Monthly_statements_chain_opening_movements_and_closing()
    {
        var customer = await TwoMonthsOfActivityAsync();
        var client = Client(customer.ApiKey);

        var october = await ReadJson(await client.GetAsync($"/api/v1/wallets/{customer.WalletId}/statements/2026-10"));
        Assert.Equal(0m, (decimal)october["openingBalance"]!);
        Assert.Equal(100m, (decimal)october["totalCredits"]!);
        Assert.Equal(30.5m, (decimal)october["totalDebits"]!);
        Assert.Equal(69.5m, (decimal)october["closingBalance"]!);
        Assert.Equal(3, october["entries"]!.AsArray().Count);
        var payments = october["totals"]!.AsArray().Single(t => (string?)t!["type"] == "Payment")!;
        Assert.Equal(2, (int)payments["count"]!);
        Assert.Equal(30.5m, (decimal)payments["amount"]!);

        var november = await ReadJson(await client.GetAsync($"/api/v1/wallets/{customer.WalletId}/statements/2026-11"));
        Assert.Equal(69.5m, (decimal)november["openingBalance"]!);
        Assert.Equal(5m, (decimal)november["totalCredits"]!);
        Assert.Equal(20m, (decimal)november["totalDebits"]!);
        Assert.Equal(54.5m, (decimal)november["closingBalance"]!);
        Assert.Equal(54.5m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);

        var december = await ReadJson(await client.GetAsync($"/api/v1/wallets/{customer.WalletId}/statements/2026-12"));
        Assert.Equal(54.5m, (decimal)december["openingBalance"]!);
        Assert.Equal(54.5m, (decimal)december["closingBalance"]!);
        Assert.Empty(december["entries"]!.AsArray());
    }

    [Fact]
    public async Task The_statement_as_csv_has_opening_entries_and_closing_rows_and_defuses_formulas()
    {
        var customer = await TwoMonthsOfActivityAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/wallets/{customer.WalletId}/statements/2026-10");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));

        var response = await Client(customer.ApiKey).SendAsync(request);

        await AssertStatus(response, HttpStatusCode.OK);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("row,sequence,created_at,type", lines[0]);
        Assert.StartsWith("opening_balance,", lines[1]);
        Assert.Contains(",0.00,", lines[1]);
        Assert.Equal(3, lines.Count(l => l.StartsWith("entry,", StringComparison.Ordinal)));
        Assert.StartsWith("closing_balance,", lines[^1]);
        Assert.Contains(",69.50,", lines[^1]);
        Assert.Contains("\"'=HYPERLINK(\"\"x\"\"), last second\"", lines[^2]);
    }

    [Theory]
    [InlineData("2026-13")]
    [InlineData("2026-1")]
    [InlineData("november")]
    [InlineData("1999-12")]
    [InlineData("2026-00")]
    [InlineData("10000-01")]
    public async Task A_malformed_month_is_a_400(string month)
    {
        var customer = await CreateCustomerAsync();
        var response = await Client(customer.ApiKey).GetAsync($"/api/v1/wallets/{customer.WalletId}/statements/{month}");
        await AssertProblem(response, HttpStatusCode.BadRequest, "validation_failed");
    }

    [Theory]
    [InlineData("9999-12")]
    [InlineData("9999-11")]
    [InlineData("0001-01")]
    [InlineData("2026-12")]
    [InlineData("2027-10")]
    public async Task A_month_outside_2000_01_to_next_month_is_a_400_naming_the_range(string month)
    {
        // The clock reads 2026-10-15, so next month is 2026-11.
        var customer = await CreateCustomerAsync();
        var response = await Client(customer.ApiKey).GetAsync($"/api/v1/wallets/{customer.WalletId}/statements/{month}");

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(["'month' must be from 2000-01 to 2026-11 (next month)."], problem["errors"]!["month"]!.AsArray().Select(m => (string)m!));
    }

    [Theory]
    [InlineData("2000-01")]
    [InlineData("2026-11")]
    public async Task The_first_and_last_months_of_the_range_have_a_statement(string month)
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 10m);

        var response = await Client(customer.ApiKey).GetAsync($"/api/v1/wallets/{customer.WalletId}/statements/{month}");

        await AssertStatus(response, HttpStatusCode.OK);
        var statement = await ReadJson(response);
        Assert.Empty(statement["entries"]!.AsArray());
        Assert.Equal(month == "2000-01" ? 0m : 10m, (decimal)statement["openingBalance"]!);
    }

    [Fact]
    public async Task Another_customers_statement_is_a_404()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");
        var response = await Client(alice.ApiKey).GetAsync($"/api/v1/wallets/{bob.WalletId}/statements/2026-10");
        await AssertProblem(response, HttpStatusCode.NotFound, "not_found");
    }
}
