namespace CleanWallet.Api.Security;

/// <summary>The <c>ApiKeyCache</c> settings section.</summary>
public sealed class ApiKeyCacheOptions
{
    /// <summary>
    /// How long an active key read from the database is trusted without reading it again, in seconds; also the longest a
    /// revoked key keeps working on a node that missed the revocation's notification. 0 turns the cache off.
    /// </summary>
    public double TtlSeconds { get; set; } = 5;

    /// <summary>The PostgreSQL NOTIFY channel revocations are announced on.</summary>
    public const string Channel = "cw_api_key_revoked";
}
