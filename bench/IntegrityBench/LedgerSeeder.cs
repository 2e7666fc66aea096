using System.Globalization;
using Npgsql;

namespace CleanWallet.IntegrityBench;

/// <summary>
/// Fills an empty, migrated database with a consistent ledger using set-based SQL only (generate_series, window sums).
/// Every wallet gets <c>entriesPerWallet</c> entries that cycle through every kind of movement the API produces, each
/// with the record that caused it: card top-ups (Deposit + Card payment), wallet payments (Payment + Wallet payment),
/// partial refunds of those (Refund + refund row, payment PartiallyRefunded), transfers between wallet pairs
/// (TransferOut/TransferIn + transfer), adjustments (AdjustmentCredit + adjustment) and VM usage (UsageCharge + VM +
/// two vm_usage hours). Entries are inserted round by round across all wallets, so the heap interleaves wallets the
/// way a real, time-ordered ledger does.
/// </summary>
internal static class LedgerSeeder
{
    public static async Task<long> SeedAsync(NpgsqlDataSource dataSource, int wallets, int entriesPerWallet, Action<string> log)
    {
        var w = wallets.ToString(CultureInfo.InvariantCulture);
        var n = entriesPerWallet.ToString(CultureInfo.InvariantCulture);
        const string Base = "timestamptz '2026-01-01 00:00:00+00'";

        (string Name, string Sql)[] steps =
        [
            ("plan", $"""
                CREATE TEMP TABLE plan AS
                SELECT w, s, type,
                       CASE WHEN type IN ('Deposit', 'Refund', 'TransferIn', 'AdjustmentCredit') THEN 'Credit' ELSE 'Debit' END AS direction,
                       CASE type WHEN 'Deposit' THEN 500.00
                                 WHEN 'Payment' THEN (1 + (w + s) % 20)::numeric(19,2)
                                 WHEN 'Refund' THEN round((1 + (w + s - 1) % 20) / 2.0, 2)
                                 WHEN 'AdjustmentCredit' THEN 3.00
                                 WHEN 'UsageCharge' THEN 0.42
                                 ELSE 7.50 END::numeric(19,2) AS amount,
                       {Base} + make_interval(mins => s) + make_interval(secs => w / 1000.0) AS ts
                FROM (
                    SELECT w, s,
                           CASE WHEN s % 10 = 1 THEN 'Deposit'
                                WHEN s % 10 = 0 THEN 'UsageCharge'
                                WHEN s % 10 = 3 THEN 'Refund'
                                WHEN s % 10 = 5 AND w % 2 = 1 AND w < {w} THEN 'TransferOut'
                                WHEN s % 10 = 5 AND w % 2 = 0 THEN 'TransferIn'
                                WHEN s % 10 = 7 THEN 'AdjustmentCredit'
                                ELSE 'Payment' END AS type
                    FROM generate_series(1, {w}) AS w, generate_series(1, {n}) AS s
                ) t
                """),
            ("customers", $"""
                INSERT INTO customers (id, name, billing_model, status, created_at)
                SELECT md5('c' || w)::uuid, 'Bench customer ' || w, 'Payg', 'Active', {Base} FROM generate_series(1, {w}) AS w
                """),
            ("wallets", $"""
                INSERT INTO wallets (id, customer_id, currency, balance, credit_limit, status, last_sequence, created_at)
                SELECT md5('w' || w)::uuid, md5('c' || w)::uuid, 'ZAR', 0, 0, 'Active', 0, {Base} FROM generate_series(1, {w}) AS w
                """),
            ("ledger_entries", $"""
                INSERT INTO ledger_entries (id, wallet_id, sequence, type, direction, amount, balance_before, balance_after,
                                            reference_type, reference_id, description, actor, created_at)
                SELECT md5('e' || w || ':' || s)::uuid, md5('w' || w)::uuid, s, type, direction, amount, running - signed, running,
                       CASE type WHEN 'TransferOut' THEN 'transfer' WHEN 'TransferIn' THEN 'transfer'
                                 WHEN 'AdjustmentCredit' THEN 'adjustment' WHEN 'UsageCharge' THEN 'vm_usage' ELSE 'payment' END,
                       CASE type WHEN 'Refund' THEN md5('p' || w || ':' || (s - 1))::uuid
                                 WHEN 'TransferOut' THEN md5('t' || w || ':' || s)::uuid
                                 WHEN 'TransferIn' THEN md5('t' || (w - 1) || ':' || s)::uuid
                                 WHEN 'AdjustmentCredit' THEN md5('a' || w || ':' || s)::uuid
                                 WHEN 'UsageCharge' THEN md5('v' || w)::uuid
                                 ELSE md5('p' || w || ':' || s)::uuid END,
                       'Bench ' || type || ' for wallet ' || w || ' #' || s, 'key:' || left(md5('k' || w), 12), ts
                FROM (
                    SELECT plan.*, CASE direction WHEN 'Credit' THEN amount ELSE -amount END AS signed,
                           sum(CASE direction WHEN 'Credit' THEN amount ELSE -amount END) OVER (PARTITION BY w ORDER BY s) AS running
                    FROM plan
                ) x
                ORDER BY s, w
                """),
            ("wallet balances", $"""
                UPDATE wallets w SET balance = e.balance_after, last_sequence = e.sequence
                FROM ledger_entries e WHERE e.wallet_id = w.id AND e.sequence = {n}
                """),
            ("payments", $"""
                INSERT INTO payments (id, customer_id, wallet_id, amount, currency, method, status, refunded_amount, ledger_entry_id,
                                      description, gateway_reference, created_at, updated_at)
                SELECT md5('p' || w || ':' || s)::uuid, md5('c' || w)::uuid, md5('w' || w)::uuid, amount, 'ZAR',
                       CASE type WHEN 'Deposit' THEN 'Card' ELSE 'Wallet' END,
                       CASE WHEN type = 'Payment' AND s % 10 = 2 AND s < {n} THEN 'PartiallyRefunded' ELSE 'Paid' END,
                       CASE WHEN type = 'Payment' AND s % 10 = 2 AND s < {n} THEN round(amount / 2.0, 2) ELSE 0 END,
                       md5('e' || w || ':' || s)::uuid,
                       CASE type WHEN 'Deposit' THEN 'Card top-up' ELSE 'Bench purchase #' || s END,
                       CASE type WHEN 'Deposit' THEN 'sim_' || left(md5('g' || w || ':' || s), 16) END, ts, ts
                FROM plan WHERE type IN ('Deposit', 'Payment')
                ORDER BY s, w
                """),
            ("refunds", """
                INSERT INTO refunds (id, payment_id, amount, reason, ledger_entry_id, actor, created_at)
                SELECT md5('r' || w || ':' || s)::uuid, md5('p' || w || ':' || (s - 1))::uuid, amount, 'Bench refund',
                       md5('e' || w || ':' || s)::uuid, 'admin:bench', ts
                FROM plan WHERE type = 'Refund'
                """),
            ("transfers", """
                INSERT INTO transfers (id, from_wallet_id, to_wallet_id, amount, currency, description, out_entry_id, in_entry_id, actor, created_at)
                SELECT md5('t' || w || ':' || s)::uuid, md5('w' || w)::uuid, md5('w' || (w + 1))::uuid, amount, 'ZAR', 'Bench transfer',
                       md5('e' || w || ':' || s)::uuid, md5('e' || (w + 1) || ':' || s)::uuid, 'admin:bench', ts
                FROM plan WHERE type = 'TransferOut'
                """),
            ("adjustments", """
                INSERT INTO adjustments (id, wallet_id, direction, amount, reason, ledger_entry_id, actor, created_at)
                SELECT md5('a' || w || ':' || s)::uuid, md5('w' || w)::uuid, 'Credit', amount, 'Bench goodwill',
                       md5('e' || w || ':' || s)::uuid, 'admin:bench', ts
                FROM plan WHERE type = 'AdjustmentCredit'
                """),
            ("vms", $"""
                INSERT INTO vms (id, customer_id, wallet_id, name, size, status, billed_through, size_hours_billed, created_at, updated_at)
                SELECT md5('v' || w)::uuid, md5('c' || w)::uuid, md5('w' || w)::uuid, 'vm-' || w, 'Small', 'Running',
                       {Base} + make_interval(hours => 2 * {n} + 2), 2 * ({n} / 10), {Base}, {Base}
                FROM generate_series(1, {w}) AS w
                """),
            ("vm_usage", $"""
                INSERT INTO vm_usage (vm_id, hour_start, size, amount, wallet_id, ledger_entry_id, billing_run_id, created_at)
                SELECT md5('v' || w)::uuid, {Base} + make_interval(hours => 2 * s + h), 'Small', 0.21, md5('w' || w)::uuid,
                       md5('e' || w || ':' || s)::uuid, NULL, ts
                FROM plan, generate_series(0, 1) AS h WHERE type = 'UsageCharge'
                """),
            // The hours between the billed ones, up to billed_through, as not run: every VM-hour is accounted for.
            ("vm_idle_periods", $"""
                INSERT INTO vm_idle_periods (vm_id, from_hour, to_hour, created_at)
                SELECT md5('v' || w)::uuid, {Base} + make_interval(hours => g.from_hour), {Base} + make_interval(hours => g.to_hour), {Base}
                FROM generate_series(1, {w}) AS w,
                     LATERAL (SELECT CASE WHEN k = 0 THEN 0 ELSE 20 * k + 2 END AS from_hour,
                                     CASE WHEN k = {n} / 10 THEN 2 * {n} + 2 ELSE 20 * (k + 1) END AS to_hour
                              FROM generate_series(0, {n} / 10) AS k) g
                WHERE g.to_hour > g.from_hour
                """),
        ];

        await using var connection = await dataSource.OpenConnectionAsync();
        // Seeding only: skips the append-only and pairing triggers and the foreign-key checks (the data is consistent by
        // construction, and the checker verifies exactly that afterwards).
        await ExecuteAsync(connection, "SET session_replication_role = replica; SET work_mem = '256MB'");
        foreach (var (name, sql) in steps)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var rows = await ExecuteAsync(connection, sql);
            log($"  {name,-16} {rows,10:N0} rows  {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds,6:0.0} s");
        }
        await ExecuteAsync(connection, "RESET session_replication_role; RESET work_mem; DROP TABLE plan");
        return (long)wallets * entriesPerWallet;
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return await command.ExecuteNonQueryAsync();
    }
}
