using CleanWallet.Api.Hosting;

namespace CleanWallet.Api.OpenApi;

/// <summary>
/// The published contract, /openapi/v1.json: generated from the endpoints, then completed by the transformers of this
/// folder so that it tells the truth (the API tests check every answer against it; the build lints it with Redocly).
/// </summary>
public static class OpenApiSetup
{
    public static IServiceCollection AddCleanWalletOpenApi(this IServiceCollection services) =>
        services.AddOpenApi("v1", options => options
            .AddDocumentTransformer<BearerSecuritySchemeTransformer>()
            .AddDocumentTransformer<ContractDocumentTransformer>()
            .KeepTextFieldsTypedAsStrings()
            .AddSchemaTransformer<SchemaContractTransformer>()
            .AddOperationTransformer<OperationContractTransformer>());
}
