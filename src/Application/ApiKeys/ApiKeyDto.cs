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
