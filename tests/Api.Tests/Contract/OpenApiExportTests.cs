using System.Net;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Contract;

/// <summary>
/// Writes the document the running API publishes to a file, for the build's Redocly lint (build.cake, target Lint):
/// <c>CLEANWALLET_OPENAPI_EXPORT</c> names the file; without it the test only checks the document is served.
/// </summary>
public sealed class OpenApiExportTests(TestDatabase database) : ApiTestBase(database)
{
    public const string ExportVariable = "CLEANWALLET_OPENAPI_EXPORT";

    [Fact]
    public async Task The_published_document_is_served_anonymously_and_written_where_the_linter_reads_it()
    {
        var response = await Client(apiKey: null).GetAsync("/openapi/v1.json");
        await AssertStatus(response, HttpStatusCode.OK);
        var text = await response.Content.ReadAsStringAsync();
        var document = JsonNode.Parse(text)!;
        Assert.StartsWith("3.", (string?)document["openapi"]);

        var path = Environment.GetEnvironmentVariable(ExportVariable);
        if (!string.IsNullOrWhiteSpace(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await File.WriteAllTextAsync(path, text);
        }
    }
}
