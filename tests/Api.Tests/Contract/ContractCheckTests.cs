using System.Net;
using System.Text;
using CleanWallet.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CleanWallet.Api.Tests.Contract;

/// <summary>
/// The check every API test's client runs (<see cref="ContractValidatingHandler"/>) must be able to fail: answers that
/// break the published document in each way it looks for are caught, with a message that says what is wrong.
/// </summary>
public sealed class ContractCheckTests(TestDatabase database) : ApiTestBase(database)
{
    private const string PaymentPath = "/api/v1/wallets/3f2b8c1e-4d7a-4b8e-9a51-0c6f1e2d3a4b/payments";

    private const string ValidPayment = """
        {"id":"7d0c8b7e-1f0a-4a8e-9a51-0c6f1e2d3a4b","customerId":"1d0c8b7e-1f0a-4a8e-9a51-0c6f1e2d3a4b",
         "walletId":"3f2b8c1e-4d7a-4b8e-9a51-0c6f1e2d3a4b","amount":12.50,"currency":"ZAR","method":"Wallet","status":"Paid",
         "ledgerEntryId":"2d0c8b7e-1f0a-4a8e-9a51-0c6f1e2d3a4b","description":"Backup","reference":null,"refundedAmount":0.00,
         "failureCode":null,"createdAt":"2026-06-01T10:00:00+00:00","walletBalance":87.50,"walletAvailable":87.50}
        """;

    private async Task<OpenApiContract> ContractAsync() =>
        OpenApiContract.Parse(await Client(apiKey: null).GetStringAsync("/openapi/v1.json"));

    private static HttpResponseMessage Answer(HttpStatusCode status, string body, string mediaType = "application/json") =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };

    [Fact]
    public async Task A_body_that_matches_the_documented_schema_passes()
    {
        await ContractValidatingHandler.CheckAsync(await ContractAsync(), "POST", PaymentPath, Answer(HttpStatusCode.Created, ValidPayment), default);
    }

    [Fact]
    public async Task A_body_missing_a_required_field_is_caught_and_named()
    {
        var wrong = ValidPayment.Replace("\"amount\":12.50,", "", StringComparison.Ordinal);
        var contract = await ContractAsync();
        var error = await Assert.ThrowsAsync<ContractViolationException>(() =>
            ContractValidatingHandler.CheckAsync(contract, "POST", PaymentPath, Answer(HttpStatusCode.Created, wrong), default));
        Assert.Contains("amount", error.Message);
        Assert.Contains("/api/v1/wallets/{id}/payments", error.Message);
    }

    [Fact]
    public async Task An_amount_with_three_decimals_or_a_status_outside_the_enum_is_caught()
    {
        var contract = await ContractAsync();
        var rounded = ValidPayment.Replace("\"amount\":12.50", "\"amount\":12.505", StringComparison.Ordinal);
        var error = await Assert.ThrowsAsync<ContractViolationException>(() =>
            ContractValidatingHandler.CheckAsync(contract, "POST", PaymentPath, Answer(HttpStatusCode.Created, rounded), default));
        Assert.Contains("/amount", error.Message);

        var unknownStatus = ValidPayment.Replace("\"status\":\"Paid\"", "\"status\":\"Settled\"", StringComparison.Ordinal);
        error = await Assert.ThrowsAsync<ContractViolationException>(() =>
            ContractValidatingHandler.CheckAsync(contract, "POST", PaymentPath, Answer(HttpStatusCode.Created, unknownStatus), default));
        Assert.Contains("/status", error.Message);
    }

    [Fact]
    public async Task An_undocumented_status_or_media_type_is_caught()
    {
        var contract = await ContractAsync();
        var error = await Assert.ThrowsAsync<ContractViolationException>(() =>
            ContractValidatingHandler.CheckAsync(contract, "GET", "/api/v1/me", Answer(HttpStatusCode.Conflict, "{}", "application/problem+json"), default));
        Assert.Contains("409", error.Message);

        error = await Assert.ThrowsAsync<ContractViolationException>(() =>
            ContractValidatingHandler.CheckAsync(contract, "POST", PaymentPath, Answer(HttpStatusCode.Created, "id,amount", "text/csv"), default));
        Assert.Contains("text/csv", error.Message);
    }

    [Fact]
    public async Task A_problem_without_its_code_is_caught()
    {
        var problem = """{"type":"https://cleanwallet.example/problems/not-found","title":"Not found.","status":404,"detail":"x","instance":"/api/v1/me","requestId":"r1"}""";
        var error = await Assert.ThrowsAsync<ContractViolationException>(async () =>
            await ContractValidatingHandler.CheckAsync(await ContractAsync(), "GET", "/api/v1/wallets/3f2b8c1e-4d7a-4b8e-9a51-0c6f1e2d3a4b",
                Answer(HttpStatusCode.NotFound, problem, "application/problem+json"), default));
        Assert.Contains("code", error.Message);
    }

    [Fact]
    public async Task A_test_client_fails_on_a_real_answer_that_breaks_the_document()
    {
        // A host whose GET /me answers 418 when asked to: the tests' own client must refuse that answer.
        await using var broken = ApiFactory.StartOnKestrel(Database.ConnectionString,
            services => services.AddSingleton<IStartupFilter, TeapotFilter>());
        var client = broken.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiFactory.AdminKey);

        var ok = await client.GetAsync("/api/v1/me");
        await AssertStatus(ok, HttpStatusCode.OK);
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        request.Headers.Add(TeapotFilter.Header, "1");
        var error = await Assert.ThrowsAsync<ContractViolationException>(() => client.SendAsync(request));
        Assert.Contains("418", error.Message);
    }

    private sealed class TeapotFilter : IStartupFilter
    {
        public const string Header = "X-Test-Teapot";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, following) =>
            {
                if (context.Request.Headers.ContainsKey(Header))
                {
                    context.Response.StatusCode = 418;
                    await context.Response.WriteAsJsonAsync(new { tea = true });
                    return;
                }
                await following();
            });
            next(app);
        };
    }
}
