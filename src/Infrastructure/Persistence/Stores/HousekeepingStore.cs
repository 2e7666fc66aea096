using CleanWallet.Application.Housekeeping;
using Microsoft.EntityFrameworkCore;

namespace CleanWallet.Infrastructure.Persistence.Stores;

internal sealed class HousekeepingStore(WalletDbContext db) : IHousekeepingStore
{
    /// <summary>A run younger than this is left alone even if its node is unknown: it may not have checked in yet.</summary>
    private static readonly TimeSpan LostRunGrace = TimeSpan.FromMinutes(10);

    public Task<int> DeleteIdempotencyKeysCreatedBeforeAsync(DateTimeOffset cutoff, int batchSize, CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync($"""
            DELETE FROM idempotency_keys
            WHERE ctid IN (SELECT ctid FROM idempotency_keys WHERE created_at < {cutoff} LIMIT {batchSize})
            """, ct);

    public async Task<int> CloseRunsOfLostNodesAsync(DateTimeOffset now, CancellationToken ct)
    {
        var startedBefore = now - LostRunGrace;
        // hangfire.server is the cluster's roll of live nodes (a server id is the node id, ':' and what Hangfire appends);
        // a node whose heartbeat stops is removed from it by the others after Scheduling:ServerTimeoutSeconds.
        var closed = await db.Database.SqlQuery<long>($"""
            WITH lost_jobs AS (
                UPDATE job_runs SET status = 'Failed', finished_at = {now},
                       error = 'The node running it stopped checking in; the job was recovered on another node.'
                WHERE status = 'Running' AND started_at < {startedBefore}
                  AND NOT EXISTS (SELECT 1 FROM hangfire.server s WHERE s.id = node_id OR starts_with(s.id, node_id || ':'))
                RETURNING 1
            ), lost_billing AS (
                UPDATE billing_runs SET status = 'Failed', finished_at = {now},
                       error = 'The node running it stopped checking in; hours it did not bill are billed by the next run.'
                WHERE status = 'Running' AND started_at < {startedBefore}
                  AND NOT EXISTS (SELECT 1 FROM hangfire.server s WHERE s.id = node_id OR starts_with(s.id, node_id || ':'))
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM lost_jobs) + (SELECT count(*) FROM lost_billing) AS "Value"
            """).ToListAsync(ct);
        return (int)closed.Single();
    }
}
