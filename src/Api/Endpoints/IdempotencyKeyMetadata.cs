namespace CleanWallet.Api.Endpoints;

/// <summary>Marks an endpoint that takes an Idempotency-Key, so the OpenAPI document declares the header.</summary>
public sealed class IdempotencyKeyMetadata
{
    public static readonly IdempotencyKeyMetadata Instance = new();
}
