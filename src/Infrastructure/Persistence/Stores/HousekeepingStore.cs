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
        // qrtz_scheduler_state is the cluster's roll of live nodes; a node recovered by the others leaves it.
        var closed = await db.Database.SqlQuery<long>($"""
            WITH lost_jobs AS (
                UPDATE job_runs SET status = 'Failed', finished_at = {now},
                       error = 'The node running it stopped checking in; the job was recovered on another node.'
                WHERE status = 'Running' AND started_at < {startedBefore}
                  AND node_id NOT IN (SELECT instance_name FROM qrtz_scheduler_state)
                RETURNING 1
            ), lost_billing AS (
                UPDATE billing_runs SET status = 'Failed', finished_at = {now},
                       error = 'The node running it stopped checking in; hours it did not bill are billed by the next run.'
                WHERE status = 'Running' AND started_at < {startedBefore}
                  AND node_id NOT IN (SELECT instance_name FROM qrtz_scheduler_state)
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM lost_jobs) + (SELECT count(*) FROM lost_billing) AS "Value"
            """).ToListAsync(ct);
        return (int)closed.Single();
    }
}
