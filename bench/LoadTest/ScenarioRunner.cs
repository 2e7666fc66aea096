using System.Diagnostics;
using System.Globalization;

namespace CleanWallet.LoadTest;

/// <summary>A setup or verification step could not be completed; the scenario is reported as failed.</summary>
internal sealed class ScenarioException(string message) : Exception(message);

/// <summary>One customer's wallet created for the run, with what the tool knows about its money.</summary>
internal sealed class BenchWallet(Guid customerId, Guid walletId, string apiKey)
{
    public Guid CustomerId { get; } = customerId;
    public Guid WalletId { get; } = walletId;
    public string ApiKey { get; } = apiKey;

    /// <summary>Key for wallet calls; switches to the admin key if the customer's key is refused.</summary>
    public string Key { get; set; } = apiKey;

    /// <summary>Sum of the top-ups the API accepted (2xx).</summary>
    public decimal ToppedUp { get; set; }
    public decimal BalanceBefore { get; set; }
    public decimal BalanceAfter { get; set; }
}

/// <summary>
/// Runs one scenario: create customers and fund their wallets, fire the payments at a fixed concurrency,
/// then read every wallet back and check the money.
/// </summary>
internal sealed class ScenarioRunner(ApiClient api, LoadOptions options)
{
    /// <summary>Largest single top-up assumed acceptable; refused top-ups are split further.</summary>
    private const decimal MaxTopUp = 1_000_000.00m;
    private const int MaxTopUpCallsPerWallet = 5_000;

    /// <summary>Per-request maxima tried, largest first, after a top-up is refused with a 4xx.</summary>
    private static readonly decimal[] TopUpLimits =
    [
        1_000_000m, 500_000m, 100_000m, 50_000m, 10_000m, 5_000m, 1_000m, 500m, 100m, 50m, 10m, 5m, 1m,
        0.50m, 0.10m, 0.05m, 0.01m,
    ];
    private const int MaxRetries = 8;

    private readonly string _runId = Guid.NewGuid().ToString("N")[..8];
    private long _topUpCalls;

    public async Task<ScenarioReport> RunAsync(string scenario, int walletCount, CancellationToken stop)
    {
        Console.WriteLine();
        Console.WriteLine(Invariant(
            $"== scenario {scenario}: {walletCount} wallet(s), {options.Requests} payments of {options.Amount:0.00}, concurrency {options.Concurrency}, limit {options.DurationLimit.TotalSeconds:0.#} s =="));

        Interlocked.Exchange(ref _topUpCalls, 0);
        var setupWatch = Stopwatch.StartNew();
        List<BenchWallet> wallets;
        LoopStats? warmup = null;
        try
        {
            wallets = await CreateWalletsAsync(scenario, walletCount, stop).ConfigureAwait(false);
            decimal perWallet = FundsPerWallet(walletCount);
            await FundWalletsAsync(wallets, perWallet, stop).ConfigureAwait(false);
            Console.WriteLine(Invariant(
                $"setup: {wallets.Count} customer(s) created, each wallet topped up {perWallet:0.00} ({Interlocked.Read(ref _topUpCalls)} top-up call(s))"));

            if (options.Warmup > 0)
            {
                warmup = await RunPaymentsAsync(wallets, options.Warmup, stop).ConfigureAwait(false);
                Console.WriteLine(Invariant(
                    $"warmup: {warmup.Requests} payment(s), {warmup.Successes} succeeded, {warmup.ErrorTotal} error(s) (not measured)"));
            }

            stop.ThrowIfCancellationRequested();
            await ReadBalancesAsync(wallets, before: true, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ScenarioException ex)
        {
            return Failed(scenario, walletCount, setupWatch.Elapsed, $"setup failed: {ex.Message}");
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return Failed(scenario, walletCount, setupWatch.Elapsed, "interrupted during setup");
        }
        TimeSpan setupTime = setupWatch.Elapsed;
        Console.WriteLine(Invariant($"setup took {setupTime.TotalSeconds:0.00} s; firing payments..."));

        LoopStats stats = await RunPaymentsAsync(wallets, options.Requests, stop).ConfigureAwait(false);

        MoneyCheckReport? money = null;
        string? error = null;
        try
        {
            // Read back even after Ctrl+C: in-flight payments have finished, so the check is still meaningful.
            await ReadBalancesAsync(wallets, before: false, CancellationToken.None).ConfigureAwait(false);
            money = CheckMoney(wallets, stats, warmup?.Successes ?? 0);
        }
        catch (ScenarioException ex)
        {
            error = $"verification failed: {ex.Message}";
        }

        bool interrupted = stop.IsCancellationRequested;
        if (interrupted && error is null)
            error = "interrupted";
        var report = new ScenarioReport(
            scenario, walletCount, options.Requests, stats.Requests, stats.Successes,
            stats.ErrorsByStatus, stats.ErrorCodes, stats.NoResponse,
            Round(setupTime.TotalSeconds), Round(stats.Elapsed.TotalSeconds),
            Round(stats.PaymentsPerSecond), Round(stats.RequestsPerSecond), stats.Latency,
            stats.StoppedEarly, stats.StopReason, money,
            Ok: money is { Ok: true } && !interrupted,
            Error: error);
        Print(report);
        return report;
    }

    /// <summary>Enough for the most payments any wallet can receive (round-robin), plus 5 % and one payment spare.</summary>
    private decimal FundsPerWallet(int walletCount)
    {
        long payments = CeilDiv(options.Requests, walletCount) + CeilDiv(options.Warmup, walletCount);
        decimal needed = payments * options.Amount;
        return Math.Ceiling((needed * 1.05m + options.Amount) * 100m) / 100m;
    }

    private async Task<List<BenchWallet>> CreateWalletsAsync(string scenario, int count, CancellationToken ct)
    {
        var created = new BenchWallet[count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = ct };
        await Parallel.ForEachAsync(Enumerable.Range(0, count), parallel, async (i, token) =>
        {
            string name = Invariant($"bench-{scenario}-{_runId}-{i:D5}");
            for (int attempt = 1; ; attempt++)
            {
                var (outcome, customer) = await api.CreateCustomerAsync(options.AdminKey, name, token).ConfigureAwait(false);
                if (customer is not null)
                {
                    if (string.IsNullOrWhiteSpace(customer.ApiKey) || customer.WalletId == Guid.Empty)
                        throw new ScenarioException($"POST /api/v1/customers returned no walletId/apiKey for '{name}'.");
                    created[i] = new BenchWallet(customer.CustomerId, customer.WalletId, customer.ApiKey);
                    return;
                }
                if (attempt < MaxRetries && IsTransient(outcome))
                {
                    await Task.Delay(Backoff(outcome, attempt), token).ConfigureAwait(false);
                    continue;
                }
                throw new ScenarioException($"POST /api/v1/customers for '{name}' failed: {outcome.Describe()}");
            }
        }).ConfigureAwait(false);
        return [.. created];
    }

    private async Task FundWalletsAsync(List<BenchWallet> wallets, decimal amount, CancellationToken ct)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = ct };
        await Parallel.ForEachAsync(wallets, parallel, async (wallet, token) =>
            await FundAsync(wallet, amount, token).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>
    /// Tops a wallet up by <paramref name="target"/>, at most <see cref="MaxTopUp"/> per call. A 4xx that may mean
    /// "too much at once" makes the chunk
    /// the next smaller round limit (500,000, 100,000, 50,000, ... 0.01); a retry after no response reuses the Idempotency-Key
    /// so an applied top-up is not applied twice.
    /// </summary>
    private async Task FundAsync(BenchWallet wallet, decimal target, CancellationToken ct)
    {
        decimal remaining = target;
        decimal chunkMax = MaxTopUp;
        bool triedAdminKey = false;
        int calls = 0, retries = 0;
        Guid idempotencyKey = Guid.NewGuid();

        while (remaining > 0m)
        {
            if (++calls > MaxTopUpCallsPerWallet)
                throw new ScenarioException(Invariant(
                    $"funding wallet {wallet.WalletId} needed more than {MaxTopUpCallsPerWallet} top-ups (chunk {chunkMax:0.00}); giving up."));

            decimal chunk = Math.Min(remaining, chunkMax);
            Interlocked.Increment(ref _topUpCalls);
            var outcome = await api.TopUpAsync(wallet.WalletId, chunk, wallet.Key, idempotencyKey, ct).ConfigureAwait(false);

            if (outcome.IsSuccess)
            {
                wallet.ToppedUp += chunk;
                remaining -= chunk;
                idempotencyKey = Guid.NewGuid();
                retries = 0;
                continue;
            }
            if (outcome.Status is 401 or 403 && !triedAdminKey)
            {
                triedAdminKey = true;
                wallet.Key = options.AdminKey;
                idempotencyKey = Guid.NewGuid();
                continue;
            }
            if (IsTransient(outcome) && ++retries < MaxRetries)
            {
                await Task.Delay(Backoff(outcome, retries), ct).ConfigureAwait(false);
                continue;
            }
            if (outcome.Status is 400 or 409 or 413 or 422 && chunk > 0.01m)
            {
                // Possibly a per-request maximum: split into smaller top-ups.
                chunkMax = NextSmallerLimit(chunk);
                idempotencyKey = Guid.NewGuid();
                retries = 0;
                continue;
            }
            throw new ScenarioException(Invariant(
                $"top-up of {chunk:0.00} to wallet {wallet.WalletId} failed: {outcome.Describe()}"));
        }
    }

    private async Task ReadBalancesAsync(List<BenchWallet> wallets, bool before, CancellationToken ct)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = ct };
        await Parallel.ForEachAsync(wallets, parallel, async (wallet, token) =>
        {
            bool triedAdminKey = false;
            for (int attempt = 1; ; attempt++)
            {
                var (outcome, view) = await api.GetWalletAsync(wallet.WalletId, wallet.Key, token).ConfigureAwait(false);
                if (view is not null)
                {
                    if (before)
                        wallet.BalanceBefore = view.Balance;
                    else
                        wallet.BalanceAfter = view.Balance;
                    return;
                }
                if (outcome.Status is 401 or 403 && !triedAdminKey)
                {
                    triedAdminKey = true;
                    wallet.Key = options.AdminKey;
                    continue;
                }
                if (attempt < MaxRetries && IsTransient(outcome))
                {
                    await Task.Delay(Backoff(outcome, attempt), token).ConfigureAwait(false);
                    continue;
                }
                throw new ScenarioException($"GET /api/v1/wallets/{wallet.WalletId} failed: {outcome.Describe()}");
            }
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// <paramref name="count"/> payments spread round-robin over the wallets by <c>concurrency</c> worker tasks that
    /// pull the next index from a shared counter. Bounded by count and by the duration limit; Ctrl+C stops issuing
    /// new payments but lets the ones in flight finish, so the money check stays exact.
    /// </summary>
    private async Task<LoopStats> RunPaymentsAsync(List<BenchWallet> wallets, int count, CancellationToken stop)
    {
        int workerCount = Math.Min(options.Concurrency, count);
        long next = -1;
        int timeUp = 0;
        long start = Stopwatch.GetTimestamp();
        long deadline = start + (long)(options.DurationLimit.TotalSeconds * Stopwatch.Frequency);

        async Task<WorkerStats> Worker()
        {
            var stats = new WorkerStats(count / workerCount + 1);
            while (!stop.IsCancellationRequested)
            {
                if (Stopwatch.GetTimestamp() >= deadline)
                {
                    Volatile.Write(ref timeUp, 1);
                    break;
                }
                long i = Interlocked.Increment(ref next);
                if (i >= count)
                    break;
                BenchWallet wallet = wallets[(int)(i % wallets.Count)];
                // CancellationToken.None: an in-flight payment is never abandoned (its outcome would be unknown).
                stats.Record(await api.PayAsync(wallet.WalletId, wallet.Key, CancellationToken.None).ConfigureAwait(false));
            }
            return stats;
        }

        var workers = new Task<WorkerStats>[workerCount];
        for (int w = 0; w < workerCount; w++)
            workers[w] = Task.Run(Worker);
        WorkerStats[] results = await Task.WhenAll(workers).ConfigureAwait(false);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);

        long issued = results.Sum(r => r.Requests);
        string? stopReason = issued >= count ? null
            : Volatile.Read(ref timeUp) == 1 ? Invariant($"duration limit of {options.DurationLimit.TotalSeconds:0.#} s reached")
            : "interrupted";
        return LoopStats.Merge(results, elapsed, stopReason);
    }

    /// <summary>
    /// Money must add up two ways: what left the wallets during the measured run equals successes x amount, and
    /// sum(topped-up - balance) equals every successful payment (warmup included) x amount.
    /// </summary>
    private MoneyCheckReport CheckMoney(List<BenchWallet> wallets, LoopStats stats, long warmupSuccesses)
    {
        decimal toppedUp = wallets.Sum(w => w.ToppedUp);
        decimal before = wallets.Sum(w => w.BalanceBefore);
        decimal after = wallets.Sum(w => w.BalanceAfter);
        decimal spent = before - after;
        decimal expectedSpent = stats.Successes * options.Amount;
        decimal toppedUpMinusBalance = toppedUp - after;
        decimal expectedToppedUpMinusBalance = (stats.Successes + warmupSuccesses) * options.Amount;
        bool ok = spent == expectedSpent && toppedUpMinusBalance == expectedToppedUpMinusBalance;

        var notes = new List<string>();
        if (stats.NoResponseTotal > 0)
            notes.Add(Invariant($"{stats.NoResponseTotal} payment(s) got no response; the API may or may not have applied them"));
        if (toppedUp - warmupSuccesses * options.Amount != before)
            notes.Add(Invariant($"balance before payments ({before:0.00}) differs from top-ups minus warmup ({toppedUp - warmupSuccesses * options.Amount:0.00})"));
        if (!ok && spent != expectedSpent)
            notes.Add(Invariant($"run difference: spent {spent:0.00} vs expected {expectedSpent:0.00} ({spent - expectedSpent:+0.00;-0.00})"));

        return new MoneyCheckReport(ok, wallets.Count, toppedUp, before, after, warmupSuccesses, spent, expectedSpent,
            toppedUpMinusBalance, expectedToppedUpMinusBalance, notes.Count == 0 ? null : string.Join("; ", notes));
    }

    private void Print(ScenarioReport r)
    {
        string errors = r.ErrorsByStatus.Count == 0 && r.NoResponse.Count == 0
            ? "none"
            : string.Join(", ", r.ErrorsByStatus.Select(e => $"{e.Key}: {e.Value}")
                .Concat(r.NoResponse.Select(e => $"no response ({e.Key}): {e.Value}")));
        string codes = r.ErrorCodes.Count == 0 ? "" : "  codes: " + string.Join(", ", r.ErrorCodes.Select(e => $"{e.Key}: {e.Value}"));

        Console.WriteLine(Invariant($"scenario      {r.Scenario} ({r.Wallets} wallet(s), concurrency {options.Concurrency})"));
        Console.WriteLine(Invariant($"requests      {r.Requests} of {r.RequestsPlanned}{(r.StoppedEarly ? $"  (stopped early: {r.StopReason})" : "")}"));
        Console.WriteLine(Invariant($"successes     {r.Successes}"));
        Console.WriteLine(Invariant($"errors        {errors}{codes}"));
        Console.WriteLine(Invariant($"elapsed       {r.ElapsedSeconds:0.000} s"));
        Console.WriteLine(Invariant($"payments/s    {r.PaymentsPerSecond:0.0}  (requests/s {r.RequestsPerSecond:0.0})"));
        Console.WriteLine(Invariant(
            $"latency ms    p50 {r.LatencyMs.P50:0.00}  p90 {r.LatencyMs.P90:0.00}  p99 {r.LatencyMs.P99:0.00}  max {r.LatencyMs.Max:0.00}  (mean {r.LatencyMs.Mean:0.00}, {r.LatencyMs.Samples} samples)"));
        if (r.MoneyCheck is { } m)
        {
            Console.WriteLine(Invariant(
                $"money check   {(m.Ok ? "OK" : "MISMATCH")}: sum(topped-up - balance) = {m.ToppedUpMinusBalance:0.00}, expected {m.ExpectedToppedUpMinusBalance:0.00}; spent during run {m.SpentDuringRun:0.00} = {r.Successes} x {options.Amount:0.00}? {(m.SpentDuringRun == m.ExpectedSpent ? "yes" : "no")} ({m.WalletsChecked} wallet(s))"));
            if (m.Note is not null)
                Console.WriteLine($"              note: {m.Note}");
        }
        if (r.Error is not null)
            Console.WriteLine($"error         {r.Error}");
    }

    private ScenarioReport Failed(string scenario, int walletCount, TimeSpan setup, string error)
    {
        Console.WriteLine($"error         {error}");
        return new ScenarioReport(scenario, walletCount, options.Requests, 0, 0,
            new Dictionary<string, long>(), new Dictionary<string, long>(), new Dictionary<string, long>(),
            Round(setup.TotalSeconds), 0, 0, 0, new LatencyReport(0, 0, 0, 0, 0, 0),
            false, null, null, Ok: false, Error: error);
    }

    /// <summary>No response, 429 or 5xx: worth another try after a pause.</summary>
    private static bool IsTransient(CallOutcome outcome) =>
        !outcome.HasResponse || outcome.Status == 429 || outcome.Status >= 500;

    private static TimeSpan Backoff(CallOutcome outcome, int attempt)
    {
        if (outcome.RetryAfter is { } retryAfter && retryAfter > TimeSpan.Zero)
            return retryAfter < TimeSpan.FromSeconds(30) ? retryAfter : TimeSpan.FromSeconds(30);
        return TimeSpan.FromMilliseconds(Math.Min(5_000, 100 * (1 << Math.Min(attempt, 10))));
    }

    private static decimal NextSmallerLimit(decimal refused) =>
        TopUpLimits.FirstOrDefault(limit => limit < refused, 0.01m);

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;

    private static double Round(double value) => Math.Round(value, 3);

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
