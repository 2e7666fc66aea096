using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using CleanWallet.Application.ApiKeys;
using CleanWallet.Domain.Access;

namespace CleanWallet.Api.Security;

/// <summary>
/// The one place API keys are checked, for the Bearer scheme and the dashboard login alike. Keys are looked up by
/// their SHA-256 hash through the Application port <see cref="IApiKeyStore"/>; the bootstrap admin key from configuration is compared in constant time; revoked keys are invalid.
/// </summary>
public static class ApiKeyValidator
{
    private const string BootstrapName = "bootstrap admin";

    public static async Task<ValidatedApiKey?> ValidateAsync(string key, AuthOptions options, IApiKeyStore keys,
        CancellationToken cancellationToken)
    {
        if (key.Length is 0 or > 200)
            return null;
        var hash = ApiKeyGenerator.Hash(key);

        if (options.BootstrapAdminKey is { Length: > 0 } bootstrap &&
            CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(hash), HashOfBootstrap(bootstrap)))
            return new ValidatedApiKey(ApiClaims.BootstrapKeyId, ApiKeyRole.Admin, null, BootstrapName);

        return From(await keys.FindActiveByHashAsync(hash, cancellationToken));
    }

    private sealed record BootstrapHash(string Key, byte[] Hash);

    private static BootstrapHash? _bootstrapHash;

    /// <summary>The configured bootstrap key's hash, computed once per configured value rather than on every request.</summary>
    private static byte[] HashOfBootstrap(string bootstrap)
    {
        if (_bootstrapHash is { } known && string.Equals(known.Key, bootstrap, StringComparison.Ordinal))
            return known.Hash;
        var computed = new BootstrapHash(bootstrap, Encoding.ASCII.GetBytes(ApiKeyGenerator.Hash(bootstrap)));
        _bootstrapHash = computed;
        return computed.Hash;
    }

    /// <summary>
    /// The key behind a session opened earlier, if it is still valid now (not revoked; for the bootstrap key, still
    /// configured). Null otherwise.
    /// </summary>
    public static async Task<ValidatedApiKey?> FindActiveAsync(string keyId, AuthOptions options, IApiKeyStore keys,
        CancellationToken cancellationToken)
    {
        if (keyId == ApiClaims.BootstrapKeyId)
            return string.IsNullOrEmpty(options.BootstrapAdminKey)
                ? null
                : new ValidatedApiKey(ApiClaims.BootstrapKeyId, ApiKeyRole.Admin, null, BootstrapName);
        if (!Guid.TryParse(keyId, out var id))
            return null;

        return From(await keys.FindActiveAsync(id, cancellationToken));
    }

    private static ValidatedApiKey? From(ActiveApiKey? stored) =>
        stored is null ? null : new ValidatedApiKey(stored.Id.ToString(), stored.Role, stored.CustomerId, stored.Name);
}
