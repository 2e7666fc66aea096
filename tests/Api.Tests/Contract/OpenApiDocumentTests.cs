using System.Net;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Contract;

/// <summary>What a client developer needs from every operation of the published document is there.</summary>
public sealed class OpenApiDocumentTests(TestDatabase database) : ApiTestBase(database)
{
    private static readonly string[] Methods = ["get", "post", "put", "patch", "delete"];

    private async Task<JsonObject> DocumentAsync()
    {
        var response = await Client(apiKey: null).GetAsync("/openapi/v1.json");
        await AssertStatus(response, HttpStatusCode.OK);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static IEnumerable<(string Name, JsonObject Operation)> Operations(JsonObject document) =>
        from path in document["paths"]!.AsObject()
        from method in Methods
        where path.Value![method] is not null
        select ($"{method.ToUpperInvariant()} {path.Key}", path.Value![method]!.AsObject());

    [Fact]
    public async Task The_problem_schema_lists_every_code_of_the_error_catalogue()
    {
        var document = await DocumentAsync();
        var code = document["components"]!["schemas"]!["Problem"]!["properties"]!["code"]!;
        var published = code["x-error-codes"]!.AsArray().Select(c => (string)c!).ToList();
        var catalogue = typeof(CleanWallet.Domain.Common.ErrorCodes)
            .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();
        Assert.Contains("insufficient_funds", catalogue);
        Assert.Equal(catalogue.Order(), published.Order());
        foreach (var c in catalogue)
            Assert.Contains(c, (string)code["description"]!);
    }

    [Fact]
    public async Task Every_operation_has_a_unique_operation_id_a_summary_a_described_tag_and_its_roles()
    {
        var document = await DocumentAsync();
        var tags = document["tags"]!.AsArray().ToDictionary(t => (string)t!["name"]!, t => (string?)t!["description"]);
        var ids = new HashSet<string>();
        foreach (var (name, operation) in Operations(document))
        {
            var id = (string?)operation["operationId"];
            Assert.False(string.IsNullOrWhiteSpace(id), $"{name} has no operationId");
            Assert.True(ids.Add(id!), $"{name} repeats the operationId {id}");
            Assert.False(string.IsNullOrWhiteSpace((string?)operation["summary"]), $"{name} has no summary");
            var tag = (string)operation["tags"]![0]!;
            Assert.False(string.IsNullOrWhiteSpace(tags.GetValueOrDefault(tag)), $"{name}'s tag {tag} has no description");
            Assert.True(operation["x-roles"]?.AsArray().Count > 0, $"{name} does not say which roles may call it");
        }
        Assert.True(ids.Count >= 60, $"only {ids.Count} operations");
    }

    [Fact]
    public async Task Every_error_response_is_the_one_problem_schema_and_every_answer_names_its_request_id()
    {
        var document = await DocumentAsync();
        var problem = document["components"]!["schemas"]!["Problem"]!;
        foreach (var field in new[] { "type", "title", "status", "detail", "instance", "code", "requestId" })
            Assert.Contains(field, problem["required"]!.AsArray().Select(f => (string?)f));
        Assert.NotNull(problem["properties"]!["errors"]);

        foreach (var (name, operation) in Operations(document))
            foreach (var (status, response) in operation["responses"]!.AsObject())
            {
                Assert.NotNull(response!["headers"]?["X-Request-Id"]);
                if (int.Parse(status) < 400)
                    continue;
                Assert.Equal("#/components/schemas/Problem", (string?)response["content"]?["application/problem+json"]?["schema"]?["$ref"]);
                if (status is "429" or "503")
                    Assert.True(response["headers"]?["Retry-After"] is not null, $"{name} {status} lacks Retry-After");
            }
    }

    [Fact]
    public async Task Money_moving_posts_take_an_idempotency_key_and_created_answers_say_where()
    {
        var operations = Operations(await DocumentAsync()).ToDictionary(o => o.Name, o => o.Operation);
        foreach (var name in new[]
                 {
                     "POST /api/v1/wallets/{id}/top-ups", "POST /api/v1/wallets/{id}/payments", "POST /api/v1/payments/card",
                     "POST /api/v1/payments/{id}/refunds", "POST /api/v1/transfers", "POST /api/v1/wallets/{id}/holds",
                     "POST /api/v1/holds/{id}/capture", "POST /api/v1/orders", "POST /api/v1/orders/{id}/returns",
                     "POST /api/v1/wallets/{id}/adjustments", "POST /api/v1/vms",
                 })
        {
            var operation = operations[name];
            Assert.Contains(operation["parameters"]!.AsArray(), p => (string?)p!["name"] == "Idempotency-Key" && (string?)p["in"] == "header");
            var created = operation["responses"]!["201"]!;
            Assert.NotNull(created["headers"]!["Location"]);
            Assert.NotNull(created["headers"]!["Idempotent-Replayed"]);
        }
    }

    [Fact]
    public async Task Money_is_an_exact_two_decimal_number_and_never_a_double()
    {
        var document = await DocumentAsync();
        Assert.DoesNotContain("\"double\"", document.ToJsonString());
        var schemas = document["components"]!["schemas"]!;
        foreach (var (schema, field) in new[] { ("PaymentDto", "amount"), ("WalletDto", "balance"), ("TransferRequest", "amount"), ("LedgerEntryDto", "balanceAfter") })
        {
            var money = schemas[schema]!["properties"]![field]!;
            Assert.Equal("decimal", (string?)money["format"]);
            Assert.Equal(0.01m, (decimal)money["multipleOf"]!);
        }
    }

    [Fact]
    public async Task Optional_fields_are_not_required_and_answers_only_sometimes_written_are_optional()
    {
        var schemas = (await DocumentAsync())["components"]!["schemas"]!;
        string[] Required(string schema) => schemas[schema]!["required"]?.AsArray().Select(r => (string)r!).ToArray() ?? [];

        Assert.Equal(["name", "billingModel"], Required("CreateCustomerRequest"));
        Assert.DoesNotContain("customerId", Required("CardPaymentRequest"));
        Assert.DoesNotContain("items", Required("OrderRequest"));
        Assert.DoesNotContain("amount", Required("RefundRequest"));
        Assert.DoesNotContain("amount", Required("ReturnRequest"));
        Assert.DoesNotContain("walletBalance", Required("PaymentDto"));
        Assert.DoesNotContain("walletAvailable", Required("PaymentDto"));
        Assert.DoesNotContain("walletBalance", Required("RefundDto"));
        Assert.DoesNotContain("fromWalletBalance", Required("TransferDto"));
        Assert.Contains("\"null\"", schemas["AuditEntryDto"]!["properties"]!["before"]!.ToJsonString());
        Assert.Equal(["Payg", "Invoice"], schemas["CreateCustomerRequest"]!["properties"]!["billingModel"]!["enum"]!.AsArray().Select(v => (string)v!));
        Assert.NotNull(schemas["CreateCustomerRequest"]!["examples"]);
    }

    [Fact]
    public async Task Statements_are_declared_as_json_and_csv_for_a_yyyy_mm_month()
    {
        var operation = (await DocumentAsync())["paths"]!["/api/v1/wallets/{id}/statements/{month}"]!["get"]!;
        var content = operation["responses"]!["200"]!["content"]!.AsObject();
        Assert.True(content.ContainsKey("application/json") && content.ContainsKey("text/csv"));
        var month = operation["parameters"]!.AsArray().Single(p => (string?)p!["name"] == "month")!;
        Assert.Matches((string)month["schema"]!["pattern"]!, "2026-05");
        Assert.DoesNotMatch((string)month["schema"]!["pattern"]!, "2026-13");
    }
}
