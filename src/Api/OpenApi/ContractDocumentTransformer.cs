using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CleanWallet.Api.OpenApi;

/// <summary>The document's front matter (info, tag descriptions) and the shared <see cref="ProblemSchema"/> component.</summary>
internal sealed class ContractDocumentTransformer : IOpenApiDocumentTransformer
{
    public static readonly IReadOnlyDictionary<string, string> TagDescriptions = new Dictionary<string, string>
    {
        ["Me"] = "Who the caller is: its key, role and, for a customer key, its wallets.",
        ["Customers"] = "Customers and their wallets (one per currency).",
        ["Wallets"] = "Balances, the ledger, statements, card top-ups and payments from a wallet.",
        ["Payments"] = "Payment records (wallet and card) and their refunds.",
        ["Holds"] = "Money reserved on a wallet until it is captured, voided or expires.",
        ["Orders"] = "Orders paid on a hold and fulfilled by the fulfilment service; cancellations and returns.",
        ["Transfers"] = "Money moved between two wallets of one currency.",
        ["VMs"] = "Virtual machines billed hourly from a wallet, and the size catalogue.",
        ["Customer keys"] = "A customer's API keys: issue, list, read, revoke.",
        ["Operations keys"] = "Ops and admin API keys (admin only).",
        ["Jobs"] = "The clustered scheduler: recurring jobs, their runs, the nodes, run now.",
        ["Integrity"] = "Integrity checks of every ledger and the records behind it.",
        ["Administration"] = "Admin corrections of wallets (adjustments, freeze, unfreeze) and the audit log.",
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "CleanWallet API";
        document.Info.Version = "v1";
        document.Info.Description =
            "The money backend of a cloud provider: customers, wallets with an immutable ledger, card and wallet payments, holds, " +
            "orders, transfers, refunds and hourly-billed VMs.\n\n" +
            "**Money** is a JSON number with at most two decimals (`format: decimal`, `multipleOf: 0.01`): read it into a decimal " +
            "type, never a binary float. **Errors** are `application/problem+json` with a stable `code` (the `Problem` schema). " +
            "**Retries**: money-moving POSTs take an `Idempotency-Key`; a replay answers the first result with " +
            "`Idempotent-Replayed: true`. Every answer carries `X-Request-Id`.";

        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ProblemSchema.Id] = ProblemSchema.Create();
        // The framework's ProblemDetails and the "any JSON" JsonElement are replaced by Problem and by object-or-null snapshots.
        document.Components.Schemas.Remove("ProblemDetails");
        document.Components.Schemas.Remove("HttpValidationProblemDetails");
        document.Components.Schemas.Remove("JsonElement");
        if (document.Components.Schemas.TryGetValue("AuditEntryDto", out var audit) && audit is OpenApiSchema { Properties: { } auditFields })
            foreach (var snapshot in new[] { "before", "after" })
                auditFields[snapshot] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object | JsonSchemaType.Null,
                    Description = $"The wallet {(snapshot == "before" ? "before" : "after")} the action (e.g. its balance and status); null when the action has none.",
                };

        // Any other JsonElement field (e.g. a job run's summary) is any JSON value, null included: an empty schema says so
        // (a oneOf of null and "anything" would refuse null, which matches both).
        foreach (var component in document.Components.Schemas.Values.OfType<OpenApiSchema>())
            foreach (var (name, field) in component.Properties?.ToList() ?? [])
                if (field is OpenApiSchema { OneOf: { } choices } && choices.OfType<OpenApiSchemaReference>().Any(r => r.Reference.Id == "JsonElement"))
                    component.Properties![name] = new OpenApiSchema { Description = "Any JSON value, or null." };

        // A server URL never ends with a slash (paths start with one).
        foreach (var server in document.Servers ?? [])
            server.Url = server.Url?.TrimEnd('/');

        document.Tags ??= new HashSet<OpenApiTag>();
        foreach (var (name, description) in TagDescriptions)
        {
            var tag = document.Tags.FirstOrDefault(t => t.Name == name);
            if (tag is null)
                document.Tags.Add(new OpenApiTag { Name = name, Description = description });
            else
                tag.Description = description;
        }
        return Task.CompletedTask;
    }
}
