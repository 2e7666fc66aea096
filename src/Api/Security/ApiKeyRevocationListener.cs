using Npgsql;

namespace CleanWallet.Api.Security;

/// <summary>
/// LISTENs on <see cref="ApiKeyCacheOptions.Channel"/> and evicts each announced key from this node's
/// <see cref="ApiKeyCache"/> (a payload that is not a key id empties it), and keeps proving that it hears: every
/// <see cref="ApiKeyCache.MaxStaleness"/>/3 (at most <see cref="MaxProbeInterval"/>) it sends a probe (the no-op
/// LISTEN again, so pg_stat_activity keeps showing what the connection is for) and, once the reply is read, tells the
/// cache <see cref="ApiKeyCache.Heard"/> with the time taken just before sending it. Every notification committed before
/// the probe was sent reaches Npgsql, and is evicted, before that reply (see <see cref="ApiKeyCache"/>); so the cache
/// answers only while a probe sent within the staleness window was answered. Issuing LISTEN on a new connection
/// counts as a probe too, after the cache is emptied: whatever was announced before the LISTEN took effect was not
/// heard. On any failure the cache stops answering and is emptied at once (<see cref="ApiKeyCache.StoppedHearing"/>),
/// and the listener reconnects with a backoff of up to <see cref="MaxBackoff"/>; a probe that gets no answer fails
/// after <see cref="ProbeTimeoutSeconds"/> (the gate has closed long before).
/// </summary>
public sealed class ApiKeyRevocationListener(NpgsqlDataSource dataSource, ApiKeyCache cache, ILogger<ApiKeyRevocationListener> logger)
    : BackgroundService
{
    public static readonly TimeSpan MaxProbeInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
    public const int ProbeTimeoutSeconds = 5;

    private static readonly string Listen = $"LISTEN {ApiKeyCacheOptions.Channel}";

    public static readonly TimeSpan MinProbeInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Three probes per staleness window, so one late probe does not close the gate (never more than 10 a second).</summary>
    private TimeSpan ProbeInterval =>
        TimeSpan.FromTicks(Math.Clamp(cache.MaxStaleness.Ticks / 3, MinProbeInterval.Ticks, MaxProbeInterval.Ticks));

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
                    else
                        cache.Clear();
                };
                await using var probe = new NpgsqlCommand(Listen, connection) { CommandTimeout = ProbeTimeoutSeconds };
                var sentAt = cache.GetTimestamp();
                await probe.ExecuteNonQueryAsync(stoppingToken);
                // Whatever was announced before this LISTEN took effect was not heard; from here on everything is.
                cache.Clear();
                cache.Heard(sentAt);
                if (failures > 0)
                    logger.LogInformation("Listening for API key revocations again after {Failures} failed attempts", failures);
                failures = 0;
                backoff = TimeSpan.FromMilliseconds(100);
                while (!stoppingToken.IsCancellationRequested)
                {
                    // Notifications arrive while waiting; the probe is sent on time however many arrive.
                    var untilProbe = ProbeInterval - cache.ElapsedSince(sentAt);
                    if (untilProbe >= TimeSpan.FromMilliseconds(1))
                    {
                        await connection.WaitAsync(untilProbe, stoppingToken);
                        continue;
                    }
                    sentAt = cache.GetTimestamp();
                    await probe.ExecuteNonQueryAsync(stoppingToken);
                    cache.Heard(sentAt);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                cache.StoppedHearing();
                if (failures++ == 0)
                    logger.LogWarning(ex, "Not listening for API key revocations (retrying); the API-key cache is off until it listens again");
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
