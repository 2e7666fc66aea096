using System.Linq.Expressions;
using CleanWallet.Domain.Access;

namespace CleanWallet.Application.ApiKeys;

/// <summary>A key as listed: never the secret, never its hash; the prefix is enough to tell keys apart.</summary>
public sealed record ApiKeyDto(Guid Id, string Name, string Role, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public static readonly Expression<Func<ApiKey, ApiKeyDto>> Projection = k => new ApiKeyDto(
        k.Id, k.Name, k.Role.ToString(), k.Prefix, k.CreatedAt, k.RevokedAt);

    private static readonly Func<ApiKey, ApiKeyDto> Map = Projection.Compile();

    public static ApiKeyDto From(ApiKey key) => Map(key);
}

/// <summary>What the audit log keeps of a key: who it is for and whether it still works, never the secret or its hash.</summary>
public sealed record ApiKeyAuditSnapshot(string Name, string Role, Guid? CustomerId, string Prefix, DateTimeOffset? RevokedAt)
{
    public static ApiKeyAuditSnapshot Of(ApiKey key) => new(key.Name, key.Role.ToString(), key.CustomerId, key.Prefix, key.RevokedAt);
}

public static class ApiKeyRules
{
    /// <summary>The api_keys.name column holds this many characters.</summary>
    public const int MaxNameLength = 200;

    /// <summary>The roles a staff key may have; customer keys are issued under their customer.</summary>
    public static readonly IReadOnlyList<ApiKeyRole> StaffRoles = [ApiKeyRole.Ops, ApiKeyRole.Admin];

    public const string AuditTarget = "api_key";
    public const string CreateAction = "api_key.create";
    public const string RevokeAction = "api_key.revoke";
}
