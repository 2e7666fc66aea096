namespace CleanWallet.Api.Security;

/// <summary>The <c>ApiKeyCache</c> settings section.</summary>
public sealed class ApiKeyCacheOptions
{
    /// <summary>
    /// How long an active key read from the database is kept before it is read again, in seconds: only a refresh
    /// interval, since a revocation reaches every node by NOTIFY and <see cref="MaxStalenessSeconds"/> bounds how late.
    /// 0 turns the cache off (every request looks its key up, and no node listens).
    /// </summary>
    public double TtlSeconds { get; set; } = 300;

    /// <summary>
    /// The longest a revoked key can keep working on a node other than the one that revoked it, in seconds, however it
    /// was revoked: the cache answers only while the revocation listener confirmed, by a probe sent no longer ago than
    /// this, that it hears every revocation (<see cref="ApiKeyCache"/>). The listener probes three times per window (at
    /// most once a second). 0 turns the cache off.
    /// </summary>
    public double MaxStalenessSeconds { get; set; } = 3;

    /// <summary>
    /// The PostgreSQL NOTIFY channel revocations are announced on, by the <c>api_keys</c> triggers (migration 0022):
    /// the payload is the id of a key revoked, deleted or otherwise changed; any other payload means "forget every key".
    /// </summary>
    public const string Channel = "cw_api_key_revoked";
}
