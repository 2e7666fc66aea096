using CleanWallet.Domain.Access;

namespace CleanWallet.Application.ApiKeys;

/// <summary>What the audit log keeps of a key: who it is for and whether it still works, never the secret or its hash.</summary>
public sealed record ApiKeyAuditSnapshot(string Name, string Role, Guid? CustomerId, string Prefix, DateTimeOffset? RevokedAt)
{
    public static ApiKeyAuditSnapshot Of(ApiKey key) => new(key.Name, key.Role.ToString(), key.CustomerId, key.Prefix, key.RevokedAt);
}
