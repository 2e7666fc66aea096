using Npgsql;

namespace CleanWallet.Api.Security;

/// <summary>
/// Called once a revocation has committed: evicts the key from this node's cache at once, then announces it with
/// PostgreSQL's NOTIFY so the other nodes evict it too (<see cref="ApiKeyRevocationListener"/>). A failed
/// announcement only costs speed: the other nodes stop accepting the key when their cached copy expires.
/// </summary>
public sealed class ApiKeyRevocations(ApiKeyCache cache, NpgsqlDataSource dataSource, ILogger<ApiKeyRevocations> logger)
{
    public async Task RevokedAsync(Guid keyId)
    {
        cache.Evict(keyId);
        try
        {
            await using var command = dataSource.CreateCommand("SELECT pg_notify($1, $2)");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ApiKeyCacheOptions.Channel });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = keyId.ToString() });
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            logger.LogWarning(ex, "Could not announce the revocation of API key {KeyId}; other nodes stop accepting it within the cache TTL",
                keyId);
        }
    }
}
