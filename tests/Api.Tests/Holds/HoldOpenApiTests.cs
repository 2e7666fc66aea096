using System.Net;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Holds;

public sealed class HoldOpenApiTests(TestDatabase database) : ApiTestBase(database)
{
    [Fact]
    public async Task The_openapi_document_describes_the_hold_endpoints_and_their_responses()
    {
        var response = await Client(apiKey: null).GetAsync("/openapi/v1.json");
        await AssertStatus(response, HttpStatusCode.OK);
        var paths = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["paths"]!.AsObject();

        string[] Responses(string path, string method) =>
            paths[path]?[method]?["responses"]?.AsObject().Select(r => r.Key).Order(StringComparer.Ordinal).ToArray()
            ?? throw new Xunit.Sdk.XunitException($"The OpenAPI document lacks {method} {path}");

        // Beside their own 2xx, 404, 409 and 422: 401 for every one, 403 where a role may not call it (ops never moves money),
        // 400/413/415 where a body or query is read, 429 (rate limit), 500 and 503 (database) for all.
        Assert.Equal(["201", "400", "401", "403", "404", "413", "415", "422", "429", "500", "503"], Responses("/api/v1/wallets/{id}/holds", "post"));
        Assert.Equal(["200", "400", "401", "404", "429", "500", "503"], Responses("/api/v1/wallets/{id}/holds", "get"));
        Assert.Equal(["200", "401", "404", "429", "500", "503"], Responses("/api/v1/holds/{id}", "get"));
        Assert.Equal(["201", "400", "401", "403", "404", "409", "413", "415", "422", "429", "500", "503"],
            Responses("/api/v1/holds/{id}/capture", "post"));
        Assert.Equal(["200", "400", "401", "403", "404", "409", "422", "429", "500", "503"], Responses("/api/v1/holds/{id}/void", "post"));
        Assert.Contains("#/components/schemas/Problem", paths["/api/v1/holds/{id}/void"]!["post"]!["responses"]!["409"]!.ToJsonString());
        var held = paths["/api/v1/wallets/{id}"]!["get"]!["responses"]!["200"]!.ToJsonString();
        Assert.Contains("WalletDto", held);
    }
}
