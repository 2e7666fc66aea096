using Microsoft.Extensions.Options;
using Npgsql;

namespace CleanWallet.Api.Security;

/// <summary>
/// LISTENs on <see cref="ApiKeyCacheOptions.Channel"/> and evicts each announced key from this node's
/// <see cref="ApiKeyCache"/>. While it is not listening (database restarting, connection lost) notifications are lost,
/// so it empties the cache whenever the connection fails and again once it listens anew; until then the TTL bounds
/// how long a revoked key can still be served. It reconnects with a backoff of up to <see cref="MaxBackoff"/>, and
/// probes an idle connection every <see cref="ProbeInterval"/> so a silently dropped one is noticed.
/// </summary>
public sealed class ApiKeyRevocationListener(NpgsqlDataSource dataSource, ApiKeyCache cache, ILogger<ApiKeyRevocationListener> logger)
    : BackgroundService
{
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!cache.Enabled)
            return;
        var backoff = TimeSpan.FromMilliseconds(100);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) =>
                {
                    if (Guid.TryParse(e.Payload, out var keyId))
                        cache.Evict(keyId);
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {ApiKeyCacheOptions.Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                // Whatever was announced before this LISTEN took effect was not heard.
                cache.Clear();
                if (failures > 0)
                    logger.LogInformation("Listening for API key revocations again after {Failures} failed attempts", failures);
                failures = 0;
                backoff = TimeSpan.FromMilliseconds(100);
                while (!stoppingToken.IsCancellationRequested)
                {
                    if (!await connection.WaitAsync(ProbeInterval, stoppingToken))
                    {
                        // A LISTEN again (a no-op) as the probe, so pg_stat_activity keeps showing what this connection is for.
                        await using var probe = new NpgsqlCommand($"LISTEN {ApiKeyCacheOptions.Channel}", connection);
                        await probe.ExecuteNonQueryAsync(stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                cache.Clear();
                if (failures++ == 0)
                    logger.LogWarning(ex, "Not listening for API key revocations (retrying); cached keys dropped, later ones held for the TTL at most");
                try
                {
                    await Task.Delay(backoff, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }
}
