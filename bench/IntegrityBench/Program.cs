using System.Diagnostics;
using System.Globalization;
using CleanWallet.Application.Integrity;
using CleanWallet.Application.Integrity.Commands.RunIntegrityCheck;
using CleanWallet.Infrastructure.Integrity;
using CleanWallet.Infrastructure.Persistence.Migrations;
using CleanWallet.IntegrityBench;
using CleanWallet.LocalPostgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

// Integrity verification benchmark: a private PostgreSQL, the real migrations, a consistent ledger of
// wallets × entries (1 000 000 by default), then full checks through the real checker (RunIntegrityCheckHandler over
// IntegrityStore), timed. Exit code 0 only when every check found no issue and a deliberate corruption is found.
//
//   dotnet run --project bench/IntegrityBench -c Release -- [--wallets 20000] [--entries-per-wallet 50] [--runs 3]
//   ConnectionStrings__Wallet=...  uses that (empty, or to-be-emptied) database instead of a private cluster.

var options = BenchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: CleanWallet.IntegrityBench [--wallets N] [--entries-per-wallet N] [--runs N]");
    return 2;
}

var inv = CultureInfo.InvariantCulture;
void Log(string line) => Console.WriteLine(line);

Log(string.Create(inv, $"CleanWallet integrity benchmark: {options.Wallets:N0} wallets × {options.EntriesPerWallet} entries = " +
                       $"{(long)options.Wallets * options.EntriesPerWallet:N0} ledger entries, {options.Runs} timed run(s), " +
                       $"{Environment.ProcessorCount} CPU(s)"));

LocalPostgresCluster? cluster = null;
try
{
    var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__Wallet");
    if (string.IsNullOrWhiteSpace(connectionString))
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"cw-integrity-bench-{Guid.NewGuid():N}");
        cluster = await LocalPostgresCluster.StartAsync(dataDirectory, ephemeral: true, fastUnsafe: true);
        await cluster.EnsureDatabaseAsync("cleanwallet_bench");
        connectionString = cluster.ConnectionString("cleanwallet_bench");
        Log($"private PostgreSQL on port {cluster.Port} ({dataDirectory}, default settings, fsync off)");
    }

    await using var dataSource = new NpgsqlDataSourceBuilder(connectionString).Build();
    Log("server: " + await ScalarAsync<string>(dataSource, "SELECT version()"));
    Log("settings: " + await ScalarAsync<string>(dataSource, """
        SELECT string_agg(name || ' ' || setting || coalesce(unit, ''), ', ' ORDER BY name) FROM pg_settings
        WHERE name IN ('shared_buffers', 'work_mem', 'max_parallel_workers_per_gather', 'effective_cache_size')
        """));

    var applied = await new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync();
    Log($"migrations applied: {applied}");
    if (await ScalarAsync<long>(dataSource, "SELECT count(*) FROM ledger_entries") > 0)
    {
        Console.Error.WriteLine("error: the database already holds ledger entries; point the benchmark at an empty database.");
        return 2;
    }

    Log("seeding (set-based SQL):");
    var seedStarted = Stopwatch.GetTimestamp();
    var seeded = await LedgerSeeder.SeedAsync(dataSource, options.Wallets, options.EntriesPerWallet, line => Log(line));
    Log(string.Create(inv, $"seeded {seeded:N0} entries in {Stopwatch.GetElapsedTime(seedStarted).TotalSeconds:0.0} s"));

    var vacuumStarted = Stopwatch.GetTimestamp();
    await ExecuteAsync(dataSource, "VACUUM ANALYZE");
    var vacuumSeconds = Stopwatch.GetElapsedTime(vacuumStarted).TotalSeconds;
    var ledgerSize = await ScalarAsync<string>(dataSource, "SELECT pg_size_pretty(pg_total_relation_size('ledger_entries'))");
    var rowCounts = new List<string>();
    foreach (var table in new[] { "payments", "refunds", "transfers", "adjustments", "vms", "vm_usage" })
    {
        var rows = await ScalarAsync<long>(dataSource, $"SELECT count(*) FROM {table}");
        rowCounts.Add(string.Create(inv, $"{table} {rows:N0}"));
    }
    Log(string.Create(inv, $"VACUUM ANALYZE in {vacuumSeconds:0.0} s; ledger_entries {ledgerSize} with indexes; {string.Join(", ", rowCounts)}"));

    // The checker gets a pool of one connection, so the backend that ran the check can be measured afterwards.
    await using var checkerSource = new NpgsqlDataSourceBuilder(connectionString + ";Maximum Pool Size=1").Build();
    var handler = new RunIntegrityCheckHandler(new IntegrityStore(checkerSource), TimeProvider.System,
        Microsoft.Extensions.Options.Options.Create(new IntegrityOptions()),
        NullLogger<RunIntegrityCheckHandler>.Instance);

    var times = new List<double>();
    var allClean = true;
    for (var run = 1; run <= options.Runs; run++)
    {
        var tempBefore = await TempBytesAsync(dataSource);
        var started = Stopwatch.GetTimestamp();
        var report = await handler.Handle(new RunIntegrityCheckCommand(IntegrityTrigger.Api), CancellationToken.None);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var tempBytes = await TempBytesAsync(dataSource) - tempBefore;
        times.Add(seconds);
        allClean &= report.IssueCount == 0 && report.EntriesChecked == seeded;
        Log(string.Create(inv, $"run {run}: {seconds:0.000} s, {report.EntriesChecked / seconds:N0} entries/s, " +
                               $"{report.WalletsChecked:N0} wallets, {report.EntriesChecked:N0} entries, {report.PaymentsChecked:N0} payments, " +
                               $"{report.IssueCount} issue(s), server temp files {tempBytes / 1024.0 / 1024.0:0.0} MiB"));
        foreach (var issue in report.Issues.Take(5))
            Log($"    {issue.Kind} {issue.WalletId}: {issue.Detail}");
    }

    var backend = await BackendMemoryAsync(checkerSource);
    using (var self = Process.GetCurrentProcess())
    {
        self.Refresh();
        var sorted = times.Order().ToList();
        var median = sorted[sorted.Count / 2];
        Log(string.Create(inv, $"RESULT: best {sorted[0]:0.000} s, median {median:0.000} s over {times.Count} run(s) for {seeded:N0} entries; " +
                               $"{seeded / sorted[0]:N0} entries/s (best); bench process peak working set {self.PeakWorkingSet64 / 1024.0 / 1024.0:0.0} MiB; " +
                               $"checker's PostgreSQL backend {backend}"));
    }

    // The same checker must still find a needle in this haystack: one wallet's balance moved without an entry.
    await ExecuteAsync(dataSource, "UPDATE wallets SET balance = balance + 0.01 WHERE id = md5('w' || 1)::uuid");
    var corrupted = await handler.Handle(new RunIntegrityCheckCommand(IntegrityTrigger.Api), CancellationToken.None);
    var detected = corrupted is { IssueCount: 1, Issues: [{ Kind: IntegrityIssueKinds.BalanceMismatch }] };
    Log($"detection check: one corrupted balance → {corrupted.IssueCount} issue(s) {string.Join(", ", corrupted.Issues.Select(i => i.Kind))}");

    var ok = allClean && detected;
    Log(ok ? "RESULT: OK (0 issues on the consistent ledger, the corruption found)" : "RESULT: FAILED");
    return ok ? 0 : 1;
}
finally
{
    NpgsqlConnection.ClearAllPools();
    if (cluster is not null)
        await cluster.DisposeAsync();
}

static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
{
    await using var command = dataSource.CreateCommand(sql);
    return (T)(await command.ExecuteScalarAsync())!;
}

static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
{
    await using var command = dataSource.CreateCommand(sql);
    command.CommandTimeout = 0;
    await command.ExecuteNonQueryAsync();
}

static Task<long> TempBytesAsync(NpgsqlDataSource dataSource) =>
    ScalarAsync<long>(dataSource, "SELECT temp_bytes FROM pg_stat_database WHERE datname = current_database()");

// Peak and current resident memory of the server process behind the checker's only pooled connection (Linux /proc).
static async Task<string> BackendMemoryAsync(NpgsqlDataSource checkerSource)
{
    var pid = await ScalarAsync<int>(checkerSource, "SELECT pg_backend_pid()");
    var status = $"/proc/{pid}/status";
    if (!File.Exists(status))
        return $"pid {pid} (memory not readable here)";
    var fields = File.ReadLines(status).Where(l => l.StartsWith("VmHWM:", StringComparison.Ordinal) || l.StartsWith("VmRSS:", StringComparison.Ordinal))
        .Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
    return $"pid {pid}: {string.Join(", ", fields)} (includes the shared buffers it touched)";
}

internal sealed record BenchOptions(int Wallets, int EntriesPerWallet, int Runs)
{
    public static BenchOptions? Parse(string[] args)
    {
        var options = new BenchOptions(20_000, 50, 3);
        for (var i = 0; i < args.Length; i++)
        {
            if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
                return null;
            options = args[i] switch
            {
                "--wallets" when value >= 2 => options with { Wallets = value },
                "--entries-per-wallet" => options with { EntriesPerWallet = value },
                "--runs" => options with { Runs = value },
                _ => null,
            };
            if (options is null)
                return null;
            i++;
        }
        return options;
    }
}
