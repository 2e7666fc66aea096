using System.Diagnostics;
using System.Globalization;
using CleanWallet.Application;
using CleanWallet.Application.Billing.Commands.RunBilling;
using CleanWallet.Application.Common.Security;
using CleanWallet.Infrastructure;
using CleanWallet.Infrastructure.Persistence.Migrations;
using CleanWallet.LocalPostgres;
using MediatR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CleanWallet.BillingBench;

/// <summary>
/// Times one hourly billing run over a large fleet: a private PostgreSQL (tools/LocalPostgres), the real migrations,
/// customers, wallets and VMs seeded with set-based SQL (each billed through the previous hour; one in seven resized up to
/// Enterprise for a moment of that hour, one in ten stopped during it, so billed for it alone), then the
/// real <see cref="RunBillingCommand"/> handler and SQL engine bill that one hour. Afterwards every wallet must reconcile
/// with its ledger and every VM must have exactly that one hour billed.
/// </summary>
internal static class Program
{
    private const string Database = "cleanwallet_billing_bench";

    public static async Task<int> Main(string[] args)
    {
        if (!BenchOptions.TryParse(args, out var options, out var error))
        {
            Console.Error.WriteLine(error);
            Console.Error.WriteLine(BenchOptions.Usage);
            return 2;
        }
        if (options is null)
        {
            Console.WriteLine(BenchOptions.Usage);
            return 0;
        }

        var dataDirectory = options.DataDirectory ?? Path.Combine(Path.GetTempPath(), $"cw-billing-bench-{Guid.NewGuid():N}");
        Log($"starting PostgreSQL in {dataDirectory} ({(options.FastUnsafe ? "fsync off" : "durable: fsync on")})");
        await using var cluster = await LocalPostgresCluster.StartAsync(dataDirectory, ephemeral: !options.Keep, fastUnsafe: options.FastUnsafe);
        await cluster.EnsureDatabaseAsync(Database);
        var connectionString = cluster.ConnectionString(Database) + ";Maximum Pool Size=20";

        // The run bills the hour that ended at the top of this hour; the clock stands a few minutes into it.
        var currentHour = RunBillingHandler.FloorToHour(DateTimeOffset.UtcNow);
        var previousHour = currentHour.AddHours(-1);
        var clock = new FixedClock(currentHour.AddMinutes(5));

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Billing:BatchSize"] = options.BatchSize.ToString(CultureInfo.InvariantCulture),
            ["Scheduling:Enabled"] = "false",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddApplication(configuration);
        services.AddInfrastructure(configuration, connectionString);
        services.AddSingleton<TimeProvider>(clock);
        // The pipeline's behaviours ask who calls; in the API that is the HTTP caller, here the scheduler-like system.
        services.AddScoped<ICallerContext, SystemCaller>();
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<MigrationRunner>().ApplyAsync();
        var dataSource = provider.GetRequiredService<NpgsqlDataSource>();

        var seedTime = Stopwatch.StartNew();
        await SeedAsync(dataSource, options, previousHour, clock.GetUtcNow());
        Log($"seeded {options.Wallets:N0} customers and wallets and {options.Vms:N0} running VMs in {seedTime.Elapsed.TotalSeconds:0.0} s");
        var vacuumTime = Stopwatch.StartNew();
        await ExecuteAsync(dataSource, "VACUUM ANALYZE");
        Log($"VACUUM ANALYZE in {vacuumTime.Elapsed.TotalSeconds:0.0} s");

        var workingSetBefore = Environment.WorkingSet;
        Log($"billing {options.Vms:N0} VMs for the hour {previousHour:u} in batches of {options.BatchSize:N0}...");
        var runTime = Stopwatch.StartNew();
        BillingRunSummary summary;
        await using (var scope = provider.CreateAsyncScope())
            summary = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new RunBillingCommand("bench"));
        runTime.Stop();

        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var backends = await BackendMemoryAsync(dataSource);
        var ledgerRows = await ScalarAsync<long>(dataSource, "SELECT count(*) FROM ledger_entries WHERE type = 'UsageCharge'");

        var seconds = runTime.Elapsed.TotalSeconds;
        Console.WriteLine();
        Console.WriteLine("Billing run");
        Console.WriteLine($"  status                 {summary.Status}{(summary.Errors.Count > 0 ? ": " + string.Join(" | ", summary.Errors) : string.Empty)}");
        Console.WriteLine($"  time                   {seconds:0.00} s (handler's own figure: {summary.DurationMs:N0} ms)");
        Console.WriteLine($"  VMs billed             {summary.VmsBilled:N0} in {summary.Batches:N0} batches of up to {options.BatchSize:N0}");
        Console.WriteLine($"  VM-hours billed        {summary.HoursBilled:N0}  ({summary.HoursBilled / seconds:N0} VM-hours/s)");
        Console.WriteLine($"  ledger rows written    {ledgerRows:N0}  ({ledgerRows / seconds:N0} rows/s)");
        Console.WriteLine($"  amount billed          {summary.AmountBilled:N2}");
        Console.WriteLine($"  VMs suspended          {summary.VmsSuspended:N0}");
        Console.WriteLine($"  client working set     {Mb(workingSetBefore)} before the run, {Mb(self.WorkingSet64)} after; peak of the process {Mb(self.PeakWorkingSet64)}");
        foreach (var backend in backends)
            Console.WriteLine($"  PostgreSQL backend {backend.Pid,-6} peak RSS {Mb(backend.PeakRss)} (of which private now {Mb(backend.PrivateRss)}, shared buffers touched {Mb(backend.SharedRss)})");
        if (backends.Count == 0)
            Console.WriteLine("  PostgreSQL backend     (memory not readable from /proc)");

        var verified = await VerifyAsync(dataSource, options, previousHour, currentHour, summary);
        Console.WriteLine();
        Console.WriteLine(verified ? "Verification passed." : "Verification FAILED.");
        if (options.Keep)
            Console.WriteLine($"Cluster kept in {dataDirectory}; connection: {connectionString}");
        return verified && summary.Status == BillingRunSummary.Succeeded ? 0 : 1;
    }

    /// <summary>
    /// Set-based seed: every wallet funded by one Deposit entry (so the ledger reconciles from the start), one wallet in
    /// twenty with only 0.50 (its VMs end up suspended), VMs of mixed sizes and cumulative counts spread over the wallets
    /// at random (random v4 ids), all billed through the previous hour.
    /// </summary>
    private static async Task SeedAsync(NpgsqlDataSource dataSource, BenchOptions options, DateTimeOffset billedThrough, DateTimeOffset now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var sql in new[]
                 {
                     """
                     INSERT INTO customers (id, name, billing_model, status, created_at)
                     SELECT md5('customer-' || g)::uuid, 'Bench customer ' || g, 'Payg', 'Active', $2 - interval '60 days'
                     FROM generate_series(1, $1) g
                     """,
                     """
                     INSERT INTO wallets (id, customer_id, currency, balance, credit_limit, status, last_sequence, created_at)
                     SELECT md5('wallet-' || g)::uuid, md5('customer-' || g)::uuid, 'ZAR',
                            CASE WHEN g % 20 = 0 THEN 0.50 ELSE 1000.00 END, 0, 'Active', 1, $2 - interval '60 days'
                     FROM generate_series(1, $1) g
                     """,
                     """
                     INSERT INTO ledger_entries (id, wallet_id, sequence, type, direction, amount, balance_before, balance_after,
                                                 reference_type, reference_id, description, actor, created_at)
                     SELECT md5('deposit-' || g)::uuid, md5('wallet-' || g)::uuid, 1, 'Deposit', 'Credit',
                            CASE WHEN g % 20 = 0 THEN 0.50 ELSE 1000.00 END, 0, CASE WHEN g % 20 = 0 THEN 0.50 ELSE 1000.00 END,
                            'payment', md5('payment-' || g)::uuid, 'Bench top-up', 'bench', $2 - interval '60 days'
                     FROM generate_series(1, $1) g
                     """,
                 })
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            command.Parameters.AddWithValue(options.Wallets);
            command.Parameters.AddWithValue(now);
            await command.ExecuteNonQueryAsync();
        }

        await using (var vms = new NpgsqlCommand("""
            INSERT INTO vms (id, customer_id, wallet_id, name, size, status, billed_through, size_hours_billed, billed_size, peak_size,
                             created_at, updated_at)
            SELECT gen_random_uuid(), md5('customer-' || w)::uuid, md5('wallet-' || w)::uuid, 'bench-vm-' || v,
                   size, CASE WHEN v % 10 = 5 THEN 'Stopped' ELSE 'Running' END, $3, v % 730, CASE WHEN v % 730 > 0 THEN size END,
                   CASE WHEN v % 7 = 0 THEN 'Enterprise' ELSE size END,
                   $4 - interval '30 days', $4 - interval '30 days'
            FROM generate_series(1, $1) v
            CROSS JOIN LATERAL (SELECT 1 + (v % $2) AS w, (ARRAY['Small', 'Small', 'Medium', 'Large', 'Enterprise'])[1 + v % 5] AS size) vm
            """, connection, transaction))
        {
            vms.Parameters.AddWithValue(options.Vms);
            vms.Parameters.AddWithValue(options.Wallets);
            vms.Parameters.AddWithValue(billedThrough);
            vms.Parameters.AddWithValue(now);
            await vms.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
    }

    private static async Task<bool> VerifyAsync(NpgsqlDataSource dataSource, BenchOptions options, DateTimeOffset previousHour,
        DateTimeOffset currentHour, BillingRunSummary summary)
    {
        var checks = new (string Name, string Sql, object[] Parameters, long Expected)[]
        {
            ("wallets whose balance is not the sum of their ledger, or whose last sequence is not their entry count", """
                SELECT count(*) FROM wallets w
                LEFT JOIN (SELECT wallet_id, sum(CASE WHEN direction = 'Credit' THEN amount ELSE -amount END) AS total,
                                  count(*) AS entries, max(sequence) AS last_sequence
                           FROM ledger_entries GROUP BY wallet_id) l ON l.wallet_id = w.id
                WHERE w.balance <> coalesce(l.total, 0) OR w.last_sequence <> coalesce(l.entries, 0)
                   OR w.last_sequence <> coalesce(l.last_sequence, 0)
                """, [], 0),
            ("entries out of sequence or not chained balance to balance", """
                SELECT count(*) FROM (
                    SELECT sequence, balance_before,
                           row_number() OVER (PARTITION BY wallet_id ORDER BY sequence) AS expected_sequence,
                           lag(balance_after) OVER (PARTITION BY wallet_id ORDER BY sequence) AS previous_after
                    FROM ledger_entries) e
                WHERE e.sequence <> e.expected_sequence OR e.balance_before <> coalesce(e.previous_after, 0)
                """, [], 0),
            ("VMs without exactly the one hour billed, or not billed through the current hour", """
                SELECT count(*) FROM vms v
                LEFT JOIN (SELECT vm_id, count(*) AS hours, min(hour_start) AS first_hour FROM vm_usage GROUP BY vm_id) u ON u.vm_id = v.id
                WHERE u.hours IS DISTINCT FROM 1 OR u.first_hour <> $1 OR v.billed_through <> $2
                """, [previousHour, currentHour], 0),
            ("usage entries that are not exactly the usage rows naming them", """
                SELECT count(*) FROM ledger_entries e
                LEFT JOIN (SELECT ledger_entry_id, sum(amount) AS amount FROM vm_usage GROUP BY ledger_entry_id) u ON u.ledger_entry_id = e.id
                WHERE e.type = 'UsageCharge' AND e.amount IS DISTINCT FROM u.amount
                """, [], 0),
            ("vm_usage rows", "SELECT count(*) FROM vm_usage", [], options.Vms),
            ("usage entries (one per VM)", "SELECT count(*) FROM ledger_entries WHERE type = 'UsageCharge'", [], options.Vms),
            ("suspended VMs matching the summary", "SELECT count(*) FROM vms WHERE status = 'Suspended'", [], summary.VmsSuspended),
            ("suspended VMs of wallets that can pay", """
                SELECT count(*) FROM vms v JOIN wallets w ON w.id = v.wallet_id
                WHERE v.status = 'Suspended' AND w.balance + w.credit_limit >= 0
                """, [], 0),
            ("running VMs of overdrawn wallets", """
                SELECT count(*) FROM vms v JOIN wallets w ON w.id = v.wallet_id
                WHERE v.status = 'Running' AND w.balance + w.credit_limit < 0
                """, [], 0),
        };

        Console.WriteLine();
        Console.WriteLine("Verification");
        var passed = true;
        foreach (var (name, sql, parameters, expected) in checks)
        {
            var actual = await ScalarAsync<long>(dataSource, sql, parameters);
            var ok = actual == expected;
            passed &= ok;
            Console.WriteLine($"  {(ok ? "ok  " : "FAIL")} {name}: {actual:N0}{(ok ? string.Empty : $" (expected {expected:N0})")}");
        }
        var amount = await ScalarAsync<decimal>(dataSource, "SELECT coalesce(sum(amount), 0) FROM vm_usage");
        var amountOk = amount == summary.AmountBilled;
        passed &= amountOk;
        Console.WriteLine($"  {(amountOk ? "ok  " : "FAIL")} usage billed {amount:N2} = the summary's amount {summary.AmountBilled:N2}");
        return passed;
    }

    private sealed record BackendMemory(int Pid, long PeakRss, long PrivateRss, long SharedRss);

    /// <summary>
    /// The service's PostgreSQL backends and their memory from /proc: the pool keeps the connections the run used open,
    /// and this query borrows one of them, so its own backend counts too.
    /// </summary>
    private static async Task<IReadOnlyList<BackendMemory>> BackendMemoryAsync(NpgsqlDataSource dataSource)
    {
        var pids = new List<int>();
        await using (var command = dataSource.CreateCommand(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'"))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                pids.Add(reader.GetInt32(0));

        var backends = new List<BackendMemory>();
        foreach (var pid in pids)
        {
            var status = $"/proc/{pid}/status";
            if (!File.Exists(status))
                continue;
            var fields = (await File.ReadAllLinesAsync(status))
                .Select(line => line.Split(':', 2))
                .Where(parts => parts.Length == 2)
                .ToDictionary(parts => parts[0], parts => parts[1].Trim());
            backends.Add(new BackendMemory(pid, Kb(fields, "VmHWM"), Kb(fields, "RssAnon"), Kb(fields, "RssShmem")));
        }
        return backends.OrderByDescending(backend => backend.PeakRss).ToList();

        static long Kb(Dictionary<string, string> fields, string name) =>
            fields.TryGetValue(name, out var value) && long.TryParse(value.Split(' ')[0], CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : 0;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql, params object[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        foreach (var parameter in parameters)
            command.Parameters.AddWithValue(parameter);
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync())!, typeof(T), CultureInfo.InvariantCulture);
    }

    private static string Mb(long bytes) => $"{bytes / (1024.0 * 1024.0):N1} MB";

    private static void Log(string message) => Console.Error.WriteLine($"billing-bench: {message}");
}

/// <summary>A clock standing still, so the run bills exactly the one hour the seed left open.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>The caller the request pipeline sees outside HTTP: the system itself, like a scheduled job.</summary>
internal sealed class SystemCaller : ICallerContext
{
    public string CallerId => "system:billing-bench";
    public string Actor => "system:billing-bench";
    public CallerRole Role => CallerRole.Admin;
    public string? KeyId => null;
    public Guid? CustomerId => null;
    public string? IdempotencyKey => null;
    public string? RequestId => null;
    public Guid OperationId { get; } = Guid.NewGuid();
}

internal sealed record BenchOptions(int Vms, int Wallets, int BatchSize, bool FastUnsafe, bool Keep, string? DataDirectory)
{
    public const string Usage = """
        usage: CleanWallet.BillingBench [--vms N] [--wallets N] [--batch-size N] [--fast-unsafe] [--keep] [--data-dir PATH]
          --vms N          running VMs to bill (default 100000)
          --wallets N      customers, each with one PAYG wallet (default 20000; one in twenty holds only 0.50)
          --batch-size N   Billing:BatchSize (default 2000)
          --fast-unsafe    run PostgreSQL with fsync off (default: durable)
          --keep           keep the cluster's data directory afterwards
          --data-dir PATH  where the cluster lives (default: a new directory under the temp directory)
        """;

    /// <summary>False with an error for bad arguments; true with null options for --help.</summary>
    public static bool TryParse(string[] args, out BenchOptions? options, out string? error)
    {
        options = null;
        error = null;
        var vms = 100_000;
        var wallets = 20_000;
        var batchSize = 2000;
        var fastUnsafe = false;
        var keep = false;
        string? dataDirectory = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--help" or "-h":
                    return true;
                case "--fast-unsafe":
                    fastUnsafe = true;
                    break;
                case "--keep":
                    keep = true;
                    break;
                case "--vms" or "--wallets" or "--batch-size" when i + 1 < args.Length
                                                                  && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var number) && number > 0:
                    if (args[i] == "--vms")
                        vms = number;
                    else if (args[i] == "--wallets")
                        wallets = number;
                    else
                        batchSize = number;
                    i++;
                    break;
                case "--data-dir" when i + 1 < args.Length:
                    dataDirectory = args[++i];
                    break;
                default:
                    error = $"error: unknown or incomplete argument '{args[i]}'";
                    return false;
            }
        }
        options = new BenchOptions(vms, wallets, batchSize, fastUnsafe, keep, dataDirectory);
        return true;
    }
}
