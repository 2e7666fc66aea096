using System.Text.Json;

namespace CleanWallet.Api.Tests.Infrastructure;

/// <summary>Thrown when an API answer is not what the published OpenAPI document says it can be.</summary>
public sealed class ContractViolationException(string message) : Exception(message);

/// <summary>
/// In every API test's client: checks each answer under /api/v1 against the document the host publishes at
/// /openapi/v1.json. The status must be documented for the operation (method + path template), the media type of a
/// body must be documented for that status, and a JSON (or problem+json) body must validate against its schema. Any
/// mismatch throws <see cref="ContractViolationException"/>, failing the test with what was wrong.
/// </summary>
public sealed class ContractValidatingHandler : DelegatingHandler
{
    private const string ApiPrefix = "/api/v1/";
    private OpenApiContract? _contract;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var uri = response.RequestMessage?.RequestUri ?? request.RequestUri!;
        if (!uri.AbsolutePath.StartsWith(ApiPrefix, StringComparison.Ordinal))
            return response;

        var contract = _contract ??= await LoadAsync(uri, cancellationToken);
        await CheckAsync(contract, request.Method.Method, uri.AbsolutePath, response, cancellationToken);
        return response;
    }

    private async Task<OpenApiContract> LoadAsync(Uri anyApiUri, CancellationToken ct)
    {
        using var documentRequest = new HttpRequestMessage(HttpMethod.Get, new Uri(anyApiUri, "/openapi/v1.json"));
        using var answer = await base.SendAsync(documentRequest, ct);
        answer.EnsureSuccessStatusCode();
        return OpenApiContract.Parse(await answer.Content.ReadAsStringAsync(ct));
    }

    /// <summary>Checks one answer; public so a test can show that a wrong answer is caught.</summary>
    public static async Task CheckAsync(OpenApiContract contract, string method, string path, HttpResponseMessage response, CancellationToken ct)
    {
        var template = contract.TemplateFor(method, path);
        if (template is null)
            return; // not an operation of the API (an unknown route or method): nothing is documented to check against
        var status = (int)response.StatusCode;
        var where = $"{method} {path} (operation {method} {template})";
        if (contract.Response(method, template, status) is null)
            throw new ContractViolationException(
                $"{where} answered {status}, a status the OpenAPI document does not declare for it. Body: {await BodyAsync(response, ct)}");

        if (response.Content is null)
            return;
        await response.Content.LoadIntoBufferAsync(ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (text.Length == 0)
            return;
        var mediaType = response.Content.Headers.ContentType?.MediaType ?? "(none)";
        var schema = contract.BodySchema(method, template, status, mediaType);
        var declared = contract.Response(method, template, status)?["content"]?.AsObject().Select(c => c.Key).ToList() ?? [];
        if (!declared.Contains(mediaType))
            throw new ContractViolationException(
                $"{where} answered {status} with {mediaType}, which the document does not declare for that status (it declares: " +
                $"{(declared.Count == 0 ? "no body" : string.Join(", ", declared))}). Body: {Cut(text)}");
        if (schema is null || !mediaType.EndsWith("json", StringComparison.Ordinal))
            return;

        using var body = JsonDocument.Parse(text);
        var violations = OpenApiContract.Violations(schema, body.RootElement);
        if (violations.Count > 0)
            throw new ContractViolationException(
                $"{where} answered {status} with a body that breaks the documented schema:\n  {string.Join("\n  ", violations)}\nBody: {Cut(text)}");
    }

    private static async Task<string> BodyAsync(HttpResponseMessage response, CancellationToken ct) =>
        Cut(await response.Content.ReadAsStringAsync(ct));

    private static string Cut(string text) => text.Length <= 2000 ? text : text[..2000] + "…";
}
