using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace CleanWallet.Simulator;

/// <summary>What the simulation counted itself: commands sent, outcomes, and domain refusals by code.</summary>
public sealed class SimulationCounters
{
    private readonly SortedDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _refusals = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, (long Count, TimeSpan Total)> _timings = new(StringComparer.Ordinal);

    /// <summary>Wall-clock time spent per kind of work (not part of the deterministic figures).</summary>
    public void Timed(string what, TimeSpan elapsed)
    {
        var (count, total) = _timings.GetValueOrDefault(what);
        _timings[what] = (count + 1, total + elapsed);
    }

    public IReadOnlyDictionary<string, (long Count, TimeSpan Total)> Timings => _timings;

    public void Count(string what) => _counts[what] = Get(what) + 1;

    public void Refused(string kind, string code) => _refusals[$"{kind}: {code}"] = _refusals.GetValueOrDefault($"{kind}: {code}") + 1;

    public long Get(string what) => _counts.GetValueOrDefault(what);

    public IReadOnlyDictionary<string, long> Counts => _counts;

    public IReadOnlyDictionary<string, long> Refusals => _refusals;
}

/// <summary>The end of a run: figures read back from the database, the simulation's own counts, and the ledger's content hash.</summary>
public sealed record SimulationResult(
    SimulationOptions Options,
    long Customers,
    long Resellers,
    long Wallets,
    long VmsCreated,
    long VmsRunningAtEnd,
    long VmHoursBilled,
    long BillingRuns,
    long VmsSuspended,
    long LedgerEntries,
    long CardTopUpsPaid,
    long CardsDeclined,
    long OrdersCompleted,
    long OrdersFailed,
    long OrdersCancelled,
    long OrdersReturned,
    long Refunds,
    decimal RefundedAmount,
    long Transfers,
    long Adjustments,
    long Freezes,
    long HoldsCaptured,
    long HoldsVoided,
    long HoldsExpired,
    long IntegrityRuns,
    long IntegrityFullRuns,
    long IntegrityIssues,
    long JobRuns,
    IReadOnlyList<(string Month, decimal Usage, decimal Orders, decimal Refunds)> RevenueByMonth,
    string LedgerHash,
    IReadOnlyDictionary<string, long> Counts,
    IReadOnlyDictionary<string, long> Refusals,
    IReadOnlyDictionary<string, (long Count, TimeSpan Total)> Timings,
    TimeSpan RunTime)
{
    /// <summary>Every figure that must repeat for the same seed (everything but the run time and the command counters' timing-free twins).</summary>
    public string DeterministicFigures() => string.Join("\n", new object[]
    {
        Customers, Resellers, Wallets, VmsCreated, VmsRunningAtEnd, VmHoursBilled, BillingRuns, VmsSuspended, LedgerEntries, CardTopUpsPaid,
        CardsDeclined, OrdersCompleted, OrdersFailed, OrdersCancelled, OrdersReturned, Refunds, RefundedAmount, Transfers, Adjustments,
        Freezes, HoldsCaptured, HoldsVoided, HoldsExpired, IntegrityRuns, IntegrityFullRuns, IntegrityIssues, JobRuns, LedgerHash,
        string.Join(";", RevenueByMonth.Select(r => $"{r.Month}:{r.Usage}:{r.Orders}:{r.Refunds}")),
        string.Join(";", Counts.Select(c => $"{c.Key}={c.Value}")),
        string.Join(";", Refusals.Select(c => $"{c.Key}={c.Value}")),
    }.Select(o => Convert.ToString(o, CultureInfo.InvariantCulture)));

    public void Print(TextWriter output)
    {
        var o = Options;
        output.WriteLine();
        output.WriteLine($"Simulation summary — seed {o.Seed}, {o.Companies} companies, {o.Length} from {o.Start:yyyy-MM-dd HH:mm}Z to {o.End:yyyy-MM-dd HH:mm}Z");
        output.WriteLine($"  customers              {Customers} ({Resellers} resellers funding others by transfer), wallets {Wallets}");
        output.WriteLine($"  VMs                    {VmsCreated} provisioned, {VmsRunningAtEnd} running at the end");
        output.WriteLine($"  VM-hours billed        {VmHoursBilled:N0} in {BillingRuns:N0} billing runs; VMs suspended for want of funds: {VmsSuspended}");
        output.WriteLine($"  ledger entries         {LedgerEntries:N0}");
        output.WriteLine($"  card top-ups           {CardTopUpsPaid} paid, {CardsDeclined} declined");
        output.WriteLine($"  orders                 {OrdersCompleted} completed, {OrdersFailed} failed fulfilment, {OrdersCancelled} cancelled, {OrdersReturned} returned in full");
        output.WriteLine($"  holds                  {HoldsCaptured} captured, {HoldsVoided} voided, {HoldsExpired} expired");
        output.WriteLine($"  refunds                {Refunds} totalling {RefundedAmount:N2}");
        output.WriteLine($"  reseller transfers     {Transfers}; admin adjustments {Adjustments}; wallet freezes {Freezes}");
        output.WriteLine($"  integrity checks       {IntegrityRuns} ({IntegrityFullRuns} full: the first, weekly and the last; " +
                         $"{IntegrityRuns - IntegrityFullRuns} incremental), issues found {IntegrityIssues}; job runs recorded {JobRuns:N0}");
        output.WriteLine("  revenue per month      usage / marketplace and services / refunded");
        foreach (var (month, usage, orders, refunds) in RevenueByMonth)
            output.WriteLine($"    {month}            {usage,14:N2} {orders,14:N2} {refunds,12:N2}");
        output.WriteLine($"  commands sent          {Counts.GetValueOrDefault("commands"):N0}");
        output.WriteLine("  expected refusals      " + (Refusals.Count == 0 ? "none" : string.Join(", ", Refusals.Select(r => $"{r.Key} ×{r.Value}"))));
        output.WriteLine($"  ledger hash            {LedgerHash}");
        output.WriteLine($"  run time               {RunTime:hh\\:mm\\:ss\\.f}");
        output.WriteLine("  where the time went    " + string.Join(", ", Timings.OrderByDescending(t => t.Value.Total)
            .Select(t => $"{t.Key} {t.Value.Total.TotalSeconds:0.0} s/{t.Value.Count}")));
    }
}

/// <summary>
/// The invariants checked every simulated day, and the summary and ledger hash at the end; plain SQL, read-only.
/// A check is either <b>full</b> (every wallet's whole ledger, every VM's every hour) or <b>daily</b>: only what can have
/// changed since the check before it, carried on from what that check proved. The simulation runs single-threaded and
/// every command has committed before a check starts, so "since the check before" is exact here (this is the
/// simulator's own bookkeeping, not the application's integrity check, which needs no such assumption):
/// <list type="bullet">
/// <item>ledgers: per wallet, the highest sequence checked and the sum of the entries up to it; a daily check adds the
/// entries above that sequence (an index range scan of (wallet_id, sequence)) and compares every wallet's balance with
/// the carried sum; the PAYG rule is checked on those new entries only;</item>
/// <item>VM-hours: per VM, its billed_through at the check before; hours are only ever settled forward from
/// billed_through, so a daily check accounts for the hours from there (billed, idle, or missing), looks for overlaps of
/// billed and idle hours among them, and (cheaply, for every VM) for usage at or after billed_through.</item>
/// </list>
/// A full check recomputes all of it from scratch and resets the carried state; the simulation runs one every
/// <see cref="Simulation.FullInvariantsEveryChecks"/> checks and at the end, so anything changed behind the application's
/// back in what a daily check no longer reads (an old entry, an old usage row) is still found, only later.
/// </summary>
public sealed partial class Invariants(string connectionString)
{
    /// <summary>Per wallet: the highest ledger sequence the checks have covered and the sum of its entries up to it.</summary>
    private readonly Dictionary<Guid, (long Sequence, decimal Sum)> _ledgerChecked = [];

    /// <summary>Per VM: its billed_through when last checked; every hour before it has been accounted for.</summary>
    private readonly Dictionary<Guid, DateTimeOffset> _vmCheckedThrough = [];

    public async Task<List<string>> CheckAsync(DateTimeOffset now, bool full = true)
    {
        var problems = new List<string>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        if (full)
        {
            _ledgerChecked.Clear();
            _vmCheckedThrough.Clear();
        }

        // 1. The integrity check just run found nothing.
        var latest = await ScalarAsync<long?>(connection, "SELECT issue_count FROM integrity_reports ORDER BY finished_at DESC, id DESC LIMIT 1");
        if (latest is null)
            problems.Add("no integrity report was written");
        else if (latest > 0)
            problems.Add($"the integrity check reported {latest} issue(s): " + await ScalarAsync<string>(connection,
                "SELECT left(issues::text, 600) FROM integrity_reports ORDER BY finished_at DESC, id DESC LIMIT 1"));

        var walletIds = _ledgerChecked.Keys.ToArray();
        var checkedSequences = walletIds.Select(id => _ledgerChecked[id].Sequence).ToArray();
        var checkedSums = walletIds.Select(id => _ledgerChecked[id].Sum).ToArray();

        // 3. No PAYG wallet below zero by its own spending: only usage (always charged) may take it there. A hold's
        //    capture spends money reserved earlier, which usage may have consumed meanwhile, so it is not counted here
        //    (the integrity check proves every capture against its hold). Entries above the checked sequence only.
        await CollectAsync(connection, problems, """
            SELECT format('PAYG wallet of %s went to %s by a %s of %s at %s', c.name, e.balance_after, e.type, e.amount, e.created_at)
            FROM wallets w JOIN customers c ON c.id = w.customer_id
            LEFT JOIN unnest($1::uuid[], $2::bigint[]) AS ck(wallet_id, sequence) ON ck.wallet_id = w.id
            JOIN ledger_entries e ON e.wallet_id = w.id AND e.sequence > coalesce(ck.sequence, 0)
            LEFT JOIN payments p ON p.ledger_entry_id = e.id
            WHERE c.billing_model = 'Payg' AND e.direction = 'Debit' AND e.type <> 'UsageCharge' AND e.balance_after < 0
              AND p.hold_id IS NULL
            """, walletIds, checkedSequences);

        // 2. Every wallet's balance is the sum of its ledger: the sum carried from the last check plus the entries above
        //    its sequence (all of them in a full check, which carries nothing).
        var ledgers = new List<(Guid Id, string Name, decimal Balance, long Sequence, decimal Sum)>();
        await using (var command = new NpgsqlCommand("""
            SELECT w.id, c.name, w.balance, coalesce(n.sequence, ck.sequence, 0), coalesce(ck.total, 0) + coalesce(n.total, 0)
            FROM wallets w JOIN customers c ON c.id = w.customer_id
            LEFT JOIN unnest($1::uuid[], $2::bigint[], $3::numeric[]) AS ck(wallet_id, sequence, total) ON ck.wallet_id = w.id
            CROSS JOIN LATERAL (
                SELECT max(e.sequence) AS sequence, sum(CASE WHEN e.direction = 'Credit' THEN e.amount ELSE -e.amount END) AS total
                FROM ledger_entries e
                WHERE e.wallet_id = w.id AND e.sequence > coalesce(ck.sequence, 0)
            ) n
            ORDER BY w.id
            """, connection))
        {
            command.Parameters.AddWithValue(walletIds);
            command.Parameters.AddWithValue(checkedSequences);
            command.Parameters.AddWithValue(checkedSums);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                ledgers.Add((reader.GetGuid(0), reader.GetString(1), reader.GetDecimal(2), reader.GetInt64(3), reader.GetDecimal(4)));
        }
        foreach (var (id, name, balance, sequence, sum) in ledgers)
        {
            if (balance != sum && problems.Count < 20)
                problems.Add($"wallet of {name}: balance {balance.ToString(CultureInfo.InvariantCulture)} but its ledger sums to {sum.ToString(CultureInfo.InvariantCulture)}");
            _ledgerChecked[id] = (sequence, sum);
        }

        // 4. Every VM-hour billed once: no hour both billed and idle, none billed past billed_through, every hour before
        //    billed_through since the VM's first hour billed or idle, every VM still running billed up to the last boundary.
        //    A daily check reads the hours from each VM's billed_through at the check before (hours settle forward only).
        var vmIds = _vmCheckedThrough.Keys.ToArray();
        var vmThroughs = vmIds.Select(id => _vmCheckedThrough[id]).ToArray();
        if (full)
        {
            await CollectAsync(connection, problems, """
                SELECT format('VM %s (%s): hour %s billed and also recorded idle', v.name, c.name, u.hour_start)
                FROM vm_usage u JOIN vm_idle_periods i ON i.vm_id = u.vm_id AND u.hour_start >= i.from_hour AND u.hour_start < i.to_hour
                JOIN vms v ON v.id = u.vm_id JOIN customers c ON c.id = v.customer_id
                """);
            await CollectAsync(connection, problems, """
                SELECT format('VM %s (%s): %s hour(s) between its first hour and billed_through %s neither billed nor idle',
                              v.name, c.name, expected - billed - idle, v.billed_through)
                FROM (SELECT v.id, v.name, v.customer_id, v.billed_through,
                             (extract(epoch FROM v.billed_through - date_trunc('hour', v.created_at)) / 3600)::bigint AS expected,
                             (SELECT count(*) FROM vm_usage u WHERE u.vm_id = v.id) AS billed,
                             coalesce((SELECT sum(extract(epoch FROM i.to_hour - i.from_hour) / 3600)::bigint FROM vm_idle_periods i
                                       WHERE i.vm_id = v.id), 0) AS idle
                      FROM vms v) v JOIN customers c ON c.id = v.customer_id
                WHERE expected > 0 AND expected <> billed + idle
                """);
        }
        else
        {
            await CollectAsync(connection, problems, """
                SELECT format('VM %s (%s): hour %s billed and also recorded idle', v.name, c.name, x.hour_start)
                FROM vms v JOIN customers c ON c.id = v.customer_id
                LEFT JOIN unnest($1::uuid[], $2::timestamptz[]) AS ck(vm_id, through) ON ck.vm_id = v.id
                CROSS JOIN LATERAL (
                    SELECT u.hour_start FROM vm_usage u
                    JOIN vm_idle_periods i ON i.vm_id = u.vm_id AND u.hour_start >= i.from_hour AND u.hour_start < i.to_hour
                    WHERE u.vm_id = v.id AND u.hour_start >= coalesce(ck.through, '-infinity')
                    UNION
                    SELECT u.hour_start FROM vm_idle_periods i
                    JOIN vm_usage u ON u.vm_id = i.vm_id AND u.hour_start >= i.from_hour AND u.hour_start < i.to_hour
                    WHERE i.vm_id = v.id AND i.to_hour > coalesce(ck.through, '-infinity')
                ) x
                """, vmIds, vmThroughs);
            await CollectAsync(connection, problems, """
                SELECT format('VM %s (%s): %s hour(s) between %s and billed_through %s neither billed nor idle',
                              v.name, c.name, expected - billed - idle, v.since, v.billed_through)
                FROM (SELECT v.id, v.name, v.customer_id, v.billed_through, r.since,
                             (extract(epoch FROM v.billed_through - r.since) / 3600)::bigint AS expected,
                             (SELECT count(*) FROM vm_usage u WHERE u.vm_id = v.id AND u.hour_start >= r.since) AS billed,
                             coalesce((SELECT sum(extract(epoch FROM least(i.to_hour, v.billed_through) - greatest(i.from_hour, r.since)) / 3600)::bigint
                                       FROM vm_idle_periods i WHERE i.vm_id = v.id AND i.to_hour > r.since AND i.from_hour < v.billed_through), 0) AS idle
                      FROM vms v
                      LEFT JOIN unnest($1::uuid[], $2::timestamptz[]) AS ck(vm_id, through) ON ck.vm_id = v.id
                      CROSS JOIN LATERAL (SELECT greatest(date_trunc('hour', v.created_at), ck.through) AS since) r) v
                JOIN customers c ON c.id = v.customer_id
                WHERE expected > 0 AND expected <> billed + idle
                """, vmIds, vmThroughs);
        }
        // Cheap for every VM (a range probe of the primary key at billed_through): no hour billed at or past it.
        await CollectAsync(connection, problems, """
            SELECT format('VM %s (%s): hour %s billed but billed_through is %s', v.name, c.name, u.hour_start, v.billed_through)
            FROM vms v JOIN customers c ON c.id = v.customer_id
            JOIN vm_usage u ON u.vm_id = v.id AND u.hour_start >= v.billed_through
            """);
        await CollectAsync(connection, problems, """
            SELECT format('running VM %s (%s) billed only through %s', v.name, c.name, v.billed_through)
            FROM vms v JOIN customers c ON c.id = v.customer_id
            WHERE v.status = 'Running' AND v.billed_through < date_trunc('hour', $1::timestamptz)
            """, now);

        await using (var command = new NpgsqlCommand("SELECT id, billed_through FROM vms", connection))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                _vmCheckedThrough[reader.GetGuid(0)] = reader.GetFieldValue<DateTimeOffset>(1);
        return problems;
    }

    public async Task<SimulationResult> SummariseAsync(SimulationCounters counters, SimulationOptions options, TimeSpan elapsed)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        async Task<long> Count(string sql) => await ScalarAsync<long>(connection, sql);

        var revenue = new List<(string, decimal, decimal, decimal)>();
        await using (var command = new NpgsqlCommand("""
            SELECT to_char(date_trunc('month', created_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month,
                   coalesce(sum(amount) FILTER (WHERE type = 'UsageCharge'), 0),
                   coalesce(sum(amount) FILTER (WHERE type = 'Payment'), 0),
                   coalesce(sum(amount) FILTER (WHERE type = 'Refund'), 0)
            FROM ledger_entries GROUP BY 1 ORDER BY 1
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                revenue.Add((reader.GetString(0), reader.GetDecimal(1), reader.GetDecimal(2), reader.GetDecimal(3)));

        return new SimulationResult(
            options,
            Customers: await Count("SELECT count(*) FROM customers"),
            Resellers: await Count("SELECT count(DISTINCT from_wallet_id) FROM transfers"),
            Wallets: await Count("SELECT count(*) FROM wallets"),
            VmsCreated: await Count("SELECT count(*) FROM vms"),
            VmsRunningAtEnd: await Count("SELECT count(*) FROM vms WHERE status = 'Running'"),
            VmHoursBilled: await Count("SELECT count(*) FROM vm_usage"),
            BillingRuns: await Count("SELECT count(*) FROM billing_runs"),
            VmsSuspended: await Count("SELECT coalesce(sum(vms_suspended), 0)::bigint FROM billing_runs"),
            LedgerEntries: await Count("SELECT count(*) FROM ledger_entries"),
            CardTopUpsPaid: await Count("SELECT count(*) FROM payments WHERE method = 'Card' AND status <> 'Failed' AND status <> 'Pending'"),
            CardsDeclined: await Count("SELECT count(*) FROM payments WHERE method = 'Card' AND status = 'Failed'"),
            OrdersCompleted: await Count("SELECT count(*) FROM orders WHERE status = 'Completed'"),
            OrdersFailed: await Count("SELECT count(*) FROM orders WHERE status = 'Failed'"),
            OrdersCancelled: await Count("SELECT count(*) FROM orders WHERE status = 'Cancelled'"),
            OrdersReturned: await Count("SELECT count(*) FROM orders WHERE status = 'Returned'"),
            Refunds: await Count("SELECT count(*) FROM refunds"),
            RefundedAmount: await ScalarAsync<decimal>(connection, "SELECT coalesce(sum(amount), 0) FROM refunds"),
            Transfers: await Count("SELECT count(*) FROM transfers"),
            Adjustments: await Count("SELECT count(*) FROM adjustments"),
            Freezes: counters.Get("wallet.freeze"),
            HoldsCaptured: await Count("SELECT count(*) FROM holds WHERE status = 'Captured' AND order_id IS NULL"),
            HoldsVoided: await Count("SELECT count(*) FROM holds WHERE status = 'Voided' AND order_id IS NULL"),
            HoldsExpired: await Count("SELECT count(*) FROM holds WHERE status = 'Expired'"),
            IntegrityRuns: await Count("SELECT count(*) FROM integrity_reports"),
            IntegrityFullRuns: await Count("SELECT count(*) FROM integrity_reports WHERE mode = 'Full'"),
            IntegrityIssues: await Count("SELECT coalesce(sum(issue_count), 0)::bigint FROM integrity_reports"),
            JobRuns: await Count("SELECT count(*) FROM job_runs"),
            RevenueByMonth: revenue,
            LedgerHash: await LedgerHashAsync(connection),
            Counts: new SortedDictionary<string, long>(counters.Counts.ToDictionary(), StringComparer.Ordinal),
            Refusals: new SortedDictionary<string, long>(counters.Refusals.ToDictionary(), StringComparer.Ordinal),
            Timings: counters.Timings.ToDictionary(),
            RunTime: elapsed);
    }

    /// <summary>
    /// SHA-256 over the whole ledger by content, never by id: per customer (by name) and currency, every entry's instant,
    /// type, description (ids masked), amount and the balance after the last entry of its instant. Entries of one
    /// instant are compared as a set: a billing run writes a wallet's usage entries in the order of its VMs' ids, which are
    /// random, so their sequence numbers (and the balances between them) differ from run to run while the ledger does not.
    /// </summary>
    private static async Task<string> LedgerHashAsync(NpgsqlConnection connection)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var command = new NpgsqlCommand("""
            SELECT c.name, w.currency, e.created_at, e.type, e.description, e.amount,
                   first_value(e.balance_after) OVER (PARTITION BY e.wallet_id, e.created_at ORDER BY e.sequence DESC)
            FROM ledger_entries e JOIN wallets w ON w.id = e.wallet_id JOIN customers c ON c.id = w.customer_id
            ORDER BY c.name COLLATE "C", w.currency, e.created_at, e.type COLLATE "C", e.description COLLATE "C", e.amount
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        // CW_SIM_LEDGER_DUMP=<file> writes the hashed lines, to compare two runs line by line.
        await using var dump = Environment.GetEnvironmentVariable("CW_SIM_LEDGER_DUMP") is { Length: > 0 } path ? new StreamWriter(path) : null;
        while (await reader.ReadAsync())
        {
            var line = string.Join('|', reader.GetString(0), reader.GetString(1),
                reader.GetFieldValue<DateTimeOffset>(2).UtcTicks.ToString(CultureInfo.InvariantCulture), reader.GetString(3),
                Ids().Replace(reader.GetString(4), "<id>"), reader.GetDecimal(5).ToString(CultureInfo.InvariantCulture),
                reader.GetDecimal(6).ToString(CultureInfo.InvariantCulture)) + "\n";
            hash.AppendData(Encoding.UTF8.GetBytes(line));
            if (dump is not null)
                await dump.WriteAsync(line);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex Ids();

    private static async Task CollectAsync(NpgsqlConnection connection, List<string> problems, string sql, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql + " LIMIT 20", connection);
        foreach (var parameter in parameters)
            command.Parameters.AddWithValue(parameter);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            problems.Add(reader.GetString(0));
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default! : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), CultureInfo.InvariantCulture);
    }
}
