using System.Data;
using CleanWallet.Application.Billing;
using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Behaviours;
using CleanWallet.Infrastructure.Persistence;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace CleanWallet.Infrastructure.Billing;

/// <summary>
/// The billing run in set-based SQL. A batch is one READ COMMITTED transaction of two statements: the first locks the
/// batch's billable VMs (Running, or stopped during their unbilled hour) (skipping any a request holds: that VM is billed by the next run, or settles itself) and then
/// their wallets in ascending id order (requests lock a VM before its wallet, so this order cannot deadlock with them
/// or with another node); the second generates the unbilled hours, inserts them into vm_usage (ON CONFLICT DO NOTHING:
/// the primary key is the exactly-once guarantee), and from the rows actually inserted writes one UsageCharge entry
/// per VM, the wallets' new balances and sequences, the VMs' new billed-through (suspending those of overdrawn
/// wallets) and the run's running totals. Both statements see the rows as locked, so the balances they chain are current.
/// </summary>
internal sealed class SqlUsageBillingEngine(
    NpgsqlDataSource dataSource,
    IOptions<TransactionOptions> retryOptions,
    IEnumerable<IBillingBatchInterceptor> interceptors,
    TimeProvider clock,
    ILogger<SqlUsageBillingEngine> logger) : IUsageBillingEngine
{
    private readonly IBillingBatchInterceptor[] _interceptors = interceptors.ToArray();

    public async Task<BillingBatchEnd?> StartRunAsync(Guid runId, DateTimeOffset billedUpTo, string nodeId, DateTimeOffset startedAt,
        int batchSize, CancellationToken ct)
    {
        // One round trip (one implicit transaction): the run's row, then where its first batch ends.
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        var insert = new NpgsqlBatchCommand("""
            INSERT INTO billing_runs (id, billed_up_to, started_at, status, node_id)
            VALUES ($1, $2, $3, 'Running', $4)
            """);
        insert.Parameters.AddWithValue(runId);
        insert.Parameters.AddWithValue(billedUpTo);
        insert.Parameters.AddWithValue(startedAt);
        insert.Parameters.AddWithValue(nodeId);
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(FindBatchEndCommand(billedUpTo, null, batchSize));
        await using var reader = await batch.ExecuteReaderAsync(ct);
        return await ReadBatchEndAsync(reader, batchSize, ct);
    }

    public async Task<BillingBatchEnd?> FindBatchEndAsync(DateTimeOffset billedUpTo, Guid? afterVmId, int batchSize, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(FindBatchEndCommand(billedUpTo, afterVmId, batchSize));
        await using var reader = await batch.ExecuteReaderAsync(ct);
        return await ReadBatchEndAsync(reader, batchSize, ct);
    }

    /// <summary>An index-only walk of vms_billable_idx: the keyset range the next batch locks and bills, and its size.</summary>
    private static NpgsqlBatchCommand FindBatchEndCommand(DateTimeOffset billedUpTo, Guid? afterVmId, int batchSize)
    {
        var command = new NpgsqlBatchCommand("""
            SELECT id, count(*) OVER () FROM (
                SELECT id FROM vms
                WHERE (status = 'Running' OR peak_size IS NOT NULL) AND billed_through < $1 AND ($2::uuid IS NULL OR id > $2)
                ORDER BY id
                LIMIT $3
            ) batch
            ORDER BY id DESC
            LIMIT 1
            """);
        command.Parameters.AddWithValue(billedUpTo);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = (object?)afterVmId ?? DBNull.Value });
        command.Parameters.AddWithValue(batchSize);
        return command;
    }

    private static async Task<BillingBatchEnd?> ReadBatchEndAsync(NpgsqlDataReader reader, int batchSize, CancellationToken ct)
    {
        while (reader.FieldCount == 0 || !reader.HasRows)
            if (!await reader.NextResultAsync(ct))
                return null;
        await reader.ReadAsync(ct);
        return new BillingBatchEnd(reader.GetGuid(0), reader.GetInt64(1) < batchSize);
    }

    public async Task<BillingBatchResult> BillBatchAsync(BillingBatch batch, CancellationToken ct)
    {
        var settings = retryOptions.Value;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await BillBatchOnceAsync(batch, ct);
            }
            catch (Exception ex) when (attempt <= settings.MaxRetries && DatabaseFailures.IsTransient(ex) && !ct.IsCancellationRequested)
            {
                // The batch rolled back whole; running it again from the start is safe.
                logger.LogWarning("Billing batch {Batch} of run {RunId} hit a transient database failure ({Error}); retry {Attempt} of {MaxRetries}",
                    batch.Number, batch.RunId, ex.GetBaseException().Message, attempt, settings.MaxRetries);
                var delay = settings.BaseDelayMilliseconds * attempt + Random.Shared.Next(Math.Max(1, settings.BaseDelayMilliseconds));
                await Task.Delay(delay, ct);
            }
        }
    }

    public async Task FinishRunAsync(Guid runId, bool succeeded, DateTimeOffset finishedAt, string? error, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE billing_runs SET status = $2, finished_at = $3, error = $4 WHERE id = $1
            """);
        command.Parameters.AddWithValue(runId);
        command.Parameters.AddWithValue(succeeded ? "Succeeded" : "Failed");
        command.Parameters.AddWithValue(finishedAt);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)error ?? DBNull.Value });
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task<BillingBatchResult> BillBatchOnceAsync(BillingBatch batch, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // Disposed without a commit (any exception) it rolls back: a failed batch leaves nothing behind.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);

        var vmIds = await LockBatchAsync(connection, transaction, batch, ct);
        // The time is read once the VMs and their wallets are locked: an entry never bears an earlier time than an entry
        // a request wrote before it on the same wallet.
        var result = vmIds.Length == 0
            ? BillingBatchResult.Empty
            : await ChargeAsync(connection, transaction, batch, vmIds, clock.StorableNow(), ct);

        foreach (var interceptor in _interceptors)
            await interceptor.BeforeCommitAsync(batch, result, ct);
        await transaction.CommitAsync(ct);
        return result;
    }

    private static async Task<Guid[]> LockBatchAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, BillingBatch batch,
        CancellationToken ct)
    {
        await using var batchCommands = new NpgsqlBatch(connection, transaction);
        // Planner settings for this transaction only. The charge statement's generated hours have no row estimate
        // (generate_series over columns), so it is priced far above jit_above_cost and would be JIT-compiled for a second
        // or more each time. And every row a batch reads it reaches by primary key among rows it has just locked (in
        // cache): priced as such, the plans probe the keys instead of scanning the whole fleet once per batch.
        batchCommands.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL jit = off"));
        batchCommands.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL random_page_cost = 1.1"));
        // FOR UPDATE re-checks the filter on the latest row version, so a VM another node billed meanwhile drops out.
        // The filter is vms_billable_idx's predicate.
        var command = new NpgsqlBatchCommand("""
            WITH picked AS MATERIALIZED (
                SELECT id, wallet_id FROM vms
                WHERE (status = 'Running' OR peak_size IS NOT NULL) AND billed_through < $1 AND ($2::uuid IS NULL OR id > $2) AND id <= $3
                ORDER BY id
                FOR UPDATE SKIP LOCKED
            ), locked_wallets AS MATERIALIZED (
                SELECT w.id FROM wallets w
                WHERE w.id IN (SELECT wallet_id FROM picked)
                ORDER BY w.id
                FOR UPDATE
            )
            SELECT ARRAY(SELECT id FROM picked ORDER BY id), (SELECT count(*) FROM locked_wallets)
            """);
        batchCommands.BatchCommands.Add(command);
        command.Parameters.AddWithValue(batch.BilledUpTo);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = (object?)batch.AfterVmId ?? DBNull.Value });
        command.Parameters.AddWithValue(batch.ThroughVmId);
        await using var reader = await batchCommands.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return reader.GetFieldValue<Guid[]>(0);
    }

    private static async Task<BillingBatchResult> ChargeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, BillingBatch batch,
        Guid[] vmIds, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(ChargeSql, connection, transaction);
        command.Parameters.AddWithValue(batch.RunId);
        command.Parameters.AddWithValue(batch.BilledUpTo);
        command.Parameters.AddWithValue(vmIds);
        command.Parameters.AddWithValue(batch.Prices.SizeNames.Select(name => name.ToLowerInvariant()).ToArray());
        command.Parameters.AddWithValue(batch.Prices.HourCents);
        command.Parameters.AddWithValue(batch.Prices.HoursPerMonth);
        command.Parameters.AddWithValue(now);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new BillingBatchResult(
            VmsLocked: vmIds.Length,
            VmsBilled: reader.GetInt32(0),
            HoursBilled: reader.GetInt64(1),
            AmountBilled: reader.GetDecimal(2),
            VmsSuspended: reader.GetInt32(3),
            UnpricedVmIds: reader.GetFieldValue<Guid[]>(4));
    }

    /// <summary>
    /// $1 run id, $2 billed up to, $3 the locked VM ids, $4 the catalogue's size names (lower case), $5 the hour amounts
    /// in cents the domain priced (<see cref="BillingPriceList"/>: one cycle of $6 hours per size, end to end), $7 now (read after
    /// the locks). The same rule as <c>VirtualMachine.SettleEndedHours</c>:
    /// the hour at billed_through is billed at the VM's peak size (the largest it had in that hour), and a Running VM's
    /// later hours up to the cutoff at its current size (nothing changed in them, or a request would have settled them);
    /// a VM stopped or suspended during the hour at billed_through is billed for that hour alone. Hour i costs
    /// UsagePricing.AmountOfHour(rate, n), n being its place in the run of consecutive billed hours at its size
    /// (continuing billed_size's run, or from 1): the amount is looked up in $5, never computed here. Hours already
    /// in vm_usage are not generated again. Usage rows are written before their ledger entries yet carry their ids from
    /// the start (vm_usage is append-only): the ids are drawn per VM first, and foreign keys are checked at the end of the
    /// statement. Everything charged comes from the usage rows the insert returned; were an hour taken meanwhile by a
    /// writer that did not lock the VM, the VM is charged for the rest, or, if that leaves its entry without usage, the
    /// foreign key fails the batch and the next run bills it. A Running VM of a wallet the batch overdraws is suspended
    /// as of the cutoff: its peak is cleared, so the hour it is suspended in is not billed.
    /// </summary>
    private const string ChargeSql = """
        WITH locked AS MATERIALIZED (
            -- Driven by the id list, so the planner knows the batch's size (its estimates decide every join below), and
            -- one primary-key probe per id (OFFSET 0 keeps the lateral subquery from becoming a scan of the whole fleet).
            SELECT v.id, v.wallet_id, v.name, v.status, v.size, v.billed_through, v.billed_size, v.size_hours_billed, v.peak_size,
                   array_position($4::text[], lower(v.size)) AS size_index,
                   array_position($4::text[], lower(v.peak_size)) AS peak_index
            FROM unnest($3::uuid[]) AS batch(id)
            CROSS JOIN LATERAL (
                SELECT vms.id, vms.wallet_id, vms.name, vms.status, vms.size, vms.billed_through, vms.billed_size,
                       vms.size_hours_billed,
                       -- A Running VM's row written without a peak (from before peaks were kept) peaks at its size.
                       coalesce(vms.peak_size, CASE WHEN vms.status = 'Running' THEN vms.size END) AS peak_size
                FROM vms
                WHERE vms.id = batch.id AND (vms.status = 'Running' OR vms.peak_size IS NOT NULL) AND vms.billed_through < $2
                OFFSET 0
            ) v
        ), vm AS MATERIALIZED (
            SELECT l.id, l.wallet_id, l.name, l.status, l.size, l.peak_size, l.billed_through, due_hours.k,
                   l.size_index, l.peak_index,
                   first.n AS peak_n,
                   -- The last billed hour's size and place in its run: what the VM's billed_size/size_hours_billed become.
                   CASE WHEN due_hours.k = 1 THEN l.peak_size ELSE l.size END AS last_size,
                   CASE WHEN due_hours.k = 1 THEN first.n
                        WHEN lower(l.size) = lower(l.peak_size) THEN first.n + due_hours.k - 1
                        ELSE due_hours.k - 1 END AS last_n,
                   gen_random_uuid() AS entry_id
            FROM locked l
            CROSS JOIN LATERAL (
                SELECT CASE WHEN l.status = 'Running' THEN (extract(epoch FROM $2 - l.billed_through) / 3600)::bigint ELSE 1 END AS k
            ) due_hours
            CROSS JOIN LATERAL (
                SELECT CASE WHEN lower(l.peak_size) = lower(l.billed_size) THEN l.size_hours_billed + 1 ELSE 1 END AS n
            ) first
            WHERE l.size_index IS NOT NULL AND l.peak_index IS NOT NULL
        ), due AS MATERIALIZED (
            SELECT vm.id AS vm_id, vm.wallet_id, vm.entry_id, h.hour_start,
                   CASE WHEN h.i = 1 THEN vm.peak_size ELSE vm.size END AS size,
                   CASE WHEN h.i = 1 THEN vm.peak_index ELSE vm.size_index END AS price_index,
                   CASE WHEN h.i = 1 THEN vm.peak_n
                        WHEN lower(vm.size) = lower(vm.peak_size) THEN vm.peak_n + h.i - 1
                        ELSE h.i - 1 END AS n
            FROM vm
            CROSS JOIN LATERAL generate_series(vm.billed_through, vm.billed_through + make_interval(hours => vm.k::int - 1), interval '1 hour')
                WITH ORDINALITY AS h(hour_start, i)
            -- OFFSET 0 keeps this a primary-key probe per hour: as an anti-join it would read all of vm_usage, which
            -- only ever grows.
            WHERE NOT EXISTS (SELECT 1 FROM vm_usage u WHERE u.vm_id = vm.id AND u.hour_start = h.hour_start OFFSET 0)
        ), priced AS MATERIALIZED (
            -- In cents: a bigint[] subscript is a constant-time offset, where a numeric[] one walks the array from its start.
            SELECT d.vm_id, d.wallet_id, d.size, d.entry_id, d.hour_start,
                   (($5::bigint[])[(d.price_index - 1) * $6 + ((d.n - 1) % $6) + 1] / 100.0)::numeric(19,2) AS amount
            FROM due d
        ), usage AS (
            INSERT INTO vm_usage (vm_id, hour_start, size, amount, wallet_id, ledger_entry_id, billing_run_id, created_at)
            SELECT p.vm_id, p.hour_start, p.size, p.amount, p.wallet_id,
                   CASE WHEN sum(p.amount) OVER (PARTITION BY p.vm_id) > 0 THEN p.entry_id END, $1, $7
            FROM priced p
            ON CONFLICT (vm_id, hour_start) DO NOTHING
            RETURNING vm_id, hour_start, size, amount
        ), billed AS MATERIALIZED (
            SELECT vm.id AS vm_id, vm.wallet_id, vm.entry_id, vm.name,
                   CASE WHEN lower(u.first_size) = lower(u.last_size) THEN u.first_size ELSE u.first_size || ' then ' || u.last_size END AS sizes,
                   u.hours, u.amount, u.first_hour, u.last_hour
            FROM (
                SELECT u.vm_id, count(*) AS hours, sum(u.amount) AS amount, min(u.hour_start) AS first_hour, max(u.hour_start) AS last_hour,
                       (array_agg(u.size ORDER BY u.hour_start))[1] AS first_size,
                       (array_agg(u.size ORDER BY u.hour_start DESC))[1] AS last_size
                FROM usage u
                GROUP BY u.vm_id
            ) u
            JOIN vm ON vm.id = u.vm_id
        ), wallet_before AS MATERIALIZED (
            SELECT w.id, w.balance, w.credit_limit, w.last_sequence,
                   -- Wallet.EntryTimeAt: never stamp an entry before the wallet's last one (a node's clock may be behind).
                   greatest($7, w.last_entry_at) AS stamped_at
            FROM wallets w
            WHERE w.id IN (SELECT wallet_id FROM billed)
        ), charges AS MATERIALIZED (
            SELECT b.vm_id, b.wallet_id, b.entry_id, b.name, b.sizes, b.hours, b.amount, b.first_hour, b.last_hour,
                   wb.last_sequence + row_number() OVER per_wallet AS sequence,
                   wb.balance - sum(b.amount) OVER per_wallet AS balance_after,
                   wb.stamped_at
            FROM billed b
            JOIN wallet_before wb ON wb.id = b.wallet_id
            WHERE b.amount > 0
            WINDOW per_wallet AS (PARTITION BY b.wallet_id ORDER BY b.vm_id ROWS UNBOUNDED PRECEDING)
        ), entries AS (
            INSERT INTO ledger_entries (id, wallet_id, sequence, type, direction, amount, balance_before, balance_after,
                                        reference_type, reference_id, description, actor, created_at)
            SELECT c.entry_id, c.wallet_id, c.sequence, 'UsageCharge', 'Debit', c.amount, c.balance_after + c.amount, c.balance_after,
                   'vm_usage', c.vm_id,
                   -- Worded like the settlement of a stop, resize or delete, so a statement reads the same either way.
                   format('VM ''%s'' (%s) usage: %s hour(s), %s to %s UTC', c.name, c.sizes, c.hours,
                          to_char(c.first_hour AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),
                          to_char((c.last_hour + interval '1 hour') AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')),
                   'system:billing', c.stamped_at
            FROM charges c
        ), wallet_after AS MATERIALIZED (
            SELECT wb.id,
                   wb.balance - coalesce(t.charged, 0) AS balance,
                   wb.last_sequence + coalesce(t.entries, 0) AS last_sequence,
                   wb.balance - coalesce(t.charged, 0) + wb.credit_limit < 0 AS overdrawn,
                   t.entries IS NOT NULL AS charged,
                   wb.stamped_at
            FROM wallet_before wb
            LEFT JOIN (SELECT wallet_id, sum(amount) AS charged, count(*) AS entries FROM charges GROUP BY wallet_id) t
                   ON t.wallet_id = wb.id
        ), wallet_update AS (
            -- Usage is not the customer's own spending: the daily spending total is left alone.
            UPDATE wallets w SET balance = wa.balance, last_sequence = wa.last_sequence, last_entry_at = wa.stamped_at
            FROM wallet_after wa
            WHERE w.id = wa.id AND wa.charged
        ), vm_update AS (
            UPDATE vms v
            SET billed_through = vm.billed_through + make_interval(hours => vm.k::int),
                billed_size = vm.last_size,
                size_hours_billed = vm.last_n,
                status = CASE WHEN vm.status = 'Running' AND wa.overdrawn THEN 'Suspended' ELSE v.status END,
                -- Still running at the cutoff: the next hour peaks at its size so far. Stopped, or suspended as of the
                -- cutoff: it has not run in the next hour.
                peak_size = CASE WHEN vm.status = 'Running' AND wa.overdrawn IS NOT TRUE THEN vm.size END,
                updated_at = $7
            FROM vm
            LEFT JOIN wallet_after wa ON wa.id = vm.wallet_id
            WHERE v.id = vm.id
            RETURNING v.status = 'Suspended' AND vm.status = 'Running' AS suspended
        ), totals AS MATERIALIZED (
            SELECT count(*)::int AS vms_billed,
                   coalesce(sum(b.hours), 0)::bigint AS hours_billed,
                   coalesce(sum(b.amount), 0)::numeric(19,2) AS amount_billed,
                   (SELECT count(*) FROM vm_update WHERE suspended)::int AS vms_suspended
            FROM billed b
        ), run_update AS (
            UPDATE billing_runs r
            SET batches = r.batches + 1,
                vms_billed = r.vms_billed + t.vms_billed,
                hours_billed = r.hours_billed + t.hours_billed,
                amount_billed = r.amount_billed + t.amount_billed,
                vms_suspended = r.vms_suspended + t.vms_suspended
            FROM totals t
            WHERE r.id = $1
        )
        SELECT t.vms_billed, t.hours_billed, t.amount_billed, t.vms_suspended,
               ARRAY(SELECT l.id FROM locked l WHERE l.size_index IS NULL ORDER BY l.id) AS unpriced
        FROM totals t
        """;
}
