using System.Net;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Input;

/// <summary>The NUL-refusing string converter must not blur the OpenAPI document: text fields stay typed as strings.</summary>
public sealed class OpenApiStringSchemaTests(TestDatabase database) : ApiTestBase(database)
{
    [Fact]
    public async Task Text_fields_are_still_strings_in_the_openapi_document()
    {
        var response = await Client(apiKey: null).GetAsync("/openapi/v1.json");
        await AssertStatus(response, HttpStatusCode.OK);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        var schemas = document["components"]!["schemas"]!;
        foreach (var (schema, field) in new[] { ("CreateCustomerRequest", "name"), ("WalletPaymentRequest", "description"), ("CreatedApiKey", "apiKey") })
            Assert.True(schemas[schema]!["properties"]![field]!["type"]?.ToJsonString().Contains("string") == true, $"{schema}.{field} is not a string");
    }
}
