using System.Net;
using CleanWallet.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CleanWallet.Api.Tests.Integrity;

/// <summary>
/// Issue 8 §4: a wallet's ledger is ordered the same by sequence and by time, whatever the clock of the node that writes
/// says; statements and the daily spending total follow that order; the integrity check reports an entry that breaks it.
/// </summary>
public sealed class LedgerTimeOrderTests(TestDatabase database) : IntegrityTestBase(database)
{
    private static readonly DateTimeOffset BeforeMidnight = new(2026, 10, 31, 23, 59, 59, TimeSpan.Zero);
    private static readonly DateTimeOffset AfterMidnight = new(2026, 11, 1, 0, 0, 1, TimeSpan.Zero);

    private readonly SkewingClock _clock = new(BeforeMidnight.AddMinutes(-10));

    protected override ApiFactory CreateFactory() => ApiFactory.StartOnKestrel(Database.ConnectionString,
        services => services.AddSingleton<TimeProvider>(_clock),
        new Dictionary<string, string?> { ["Limits:DailyDebitLimit"] = "100.00" });

    /// <summary>Entries stamped earlier than the entry before them in their wallet's sequence, counted by the database.</summary>
    private Task<long> EntriesOutOfTimeOrderAsync() => Database.ScalarAsync<long>("""
        SELECT count(*) FROM (
            SELECT created_at < lag(created_at) OVER (PARTITION BY wallet_id ORDER BY sequence) AS early FROM ledger_entries
        ) x WHERE early
        """);

    private async Task<Guid> PlaceOrderAsync(TestCustomer customer, decimal amount, string description = "Backup storage")
    {
        var response = await Client(customer.ApiKey).SendAsync(Post("/api/v1/orders", new { walletId = customer.WalletId, amount, description }));
        await AssertStatus(response, HttpStatusCode.Created);
        return Guid.Parse((string)(await ReadJson(response))["id"]!);
    }

    [Fact]
    public async Task A_clock_gone_back_past_midnight_still_stamps_every_kind_of_entry_in_sequence_order()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");
        var admin = AdminClient();
        _clock.Now = AfterMidnight;
        await TopUpAsync(alice.WalletId, 100m);
        await TopUpAsync(bob.WalletId, 50m);

        // Every write below reads a clock two seconds behind the entries already in the ledger.
        _clock.Now = BeforeMidnight;
        await PayAsync(alice, 10m);
        await AssertStatus(await admin.SendAsync(Post("/api/v1/transfers",
            new { fromWalletId = alice.WalletId, toWalletId = bob.WalletId, amount = 5m, description = "Share" })), HttpStatusCode.Created);
        await AssertStatus(await admin.SendAsync(Post($"/api/v1/wallets/{bob.WalletId}/adjustments",
            new { direction = "Credit", amount = 2m, reason = "Goodwill" })), HttpStatusCode.Created);
        var returned = await PlaceOrderAsync(alice, 12m);
        await AssertStatus(await Client(alice.ApiKey).SendAsync(Post($"/api/v1/orders/{returned}/returns", new { amount = 5m, reason = "Too big" })),
            HttpStatusCode.Created);
        await PlaceOrderAsync(alice, 8m, "Backup storage [fail]");
        var cancelled = await PlaceOrderAsync(alice, 6m);
        await AssertStatus(await Client(alice.ApiKey).SendAsync(Post($"/api/v1/orders/{cancelled}/cancel", new { })), HttpStatusCode.OK);

        // Payment, order payments (hold captures), transfer legs, adjustment and refunds: each stamped at the latest time before
        // it, never earlier. The failed order writes no entry (its hold was voided).
        Assert.Equal(0L, await EntriesOutOfTimeOrderAsync());
        Assert.True(await Database.CountAsync("ledger_entries") >= 10);
        Assert.Equal(0L, await Database.CountAsync("ledger_entries", "created_at <> $1", AfterMidnight));
        Assert.Equal(0L, await Database.CountAsync("wallets", "last_entry_at IS DISTINCT FROM $1", AfterMidnight));
        AssertNoIssues(await RunCheckAsync());

        // All of it happened in November as far as the ledger is concerned: October shows none of it, November all of it.
        var october = await GetJsonAsync($"/api/v1/wallets/{alice.WalletId}/statements/2026-10");
        Assert.Empty(october["entries"]!.AsArray());
        var november = await GetJsonAsync($"/api/v1/wallets/{alice.WalletId}/statements/2026-11");
        Assert.Equal(await Database.CountAsync("ledger_entries", "wallet_id = $1", alice.WalletId), november["entries"]!.AsArray().Count);
        Assert.Equal((decimal)(await GetWalletAsync(alice.WalletId))["balance"]!, (decimal)november["closingBalance"]!);
    }

    [Theory]
    [InlineData("payment")]
    [InlineData("transfer")]
    [InlineData("adjustment")]
    [InlineData("order")]
    [InlineData("order cancellation")]
    [InlineData("order return")]
    public async Task A_write_that_waited_for_the_wallet_lock_is_stamped_when_it_got_the_lock(string write)
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");
        await TopUpAsync(alice.WalletId, 100m);
        var orderId = write.StartsWith("order ", StringComparison.Ordinal) ? await PlaceOrderAsync(alice, 12m) : Guid.Empty;
        var request = write switch
        {
            "payment" => Post($"/api/v1/wallets/{alice.WalletId}/payments", new { amount = 1m, description = "Waits" }),
            "transfer" => Post("/api/v1/transfers", new { fromWalletId = alice.WalletId, toWalletId = bob.WalletId, amount = 1m, description = "Waits" }),
            "adjustment" => Post($"/api/v1/wallets/{alice.WalletId}/adjustments", new { direction = "Debit", amount = 1m, reason = "Waits" }),
            "order" => Post("/api/v1/orders", new { walletId = alice.WalletId, amount = 1m, description = "Waits" }),
            "order cancellation" => Post($"/api/v1/orders/{orderId}/cancel", new { }),
            _ => Post($"/api/v1/orders/{orderId}/returns", new { amount = 1m, reason = "Waits" }),
        };

        // Another transaction holds Alice's wallet while the request arrives; the clock moves on before it lets go.
        await using var holder = new NpgsqlConnection(Database.ConnectionString);
        await holder.OpenAsync();
        await using var transaction = await holder.BeginTransactionAsync();
        await using (var lockWallet = new NpgsqlCommand("SELECT 1 FROM wallets WHERE id = $1 FOR UPDATE", holder, transaction))
        {
            lockWallet.Parameters.AddWithValue(alice.WalletId);
            await lockWallet.ExecuteNonQueryAsync();
        }
        var sent = (write == "adjustment" ? AdminClient() : Client(alice.ApiKey)).SendAsync(request);
        await WaitForALockWaitAsync();
        _clock.Now = AfterMidnight;
        await transaction.RollbackAsync();

        var response = await sent;
        Assert.True(response.IsSuccessStatusCode, $"{write}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var lastEntry = await Database.ScalarAsync<DateTime>(
            "SELECT created_at FROM ledger_entries WHERE wallet_id = $1 ORDER BY sequence DESC LIMIT 1", alice.WalletId);
        Assert.Equal(AfterMidnight.UtcDateTime, lastEntry);
    }

    private async Task WaitForALockWaitAsync()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (await Database.ScalarAsync<long>(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") > 0)
                return;
            await Task.Delay(25);
        }
        Assert.Fail("The request never waited for the wallet's lock.");
    }

    [Fact]
    public async Task A_payment_read_before_midnight_after_one_stamped_after_midnight_counts_towards_the_new_day()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        await TopUpAsync(alice.WalletId, 200m);
        _clock.Now = AfterMidnight;
        await PayAsync(alice, 60m);

        // The day's total is not reset by a clock that reads the day before: 60 + 50 is over the limit of 100.
        _clock.Now = BeforeMidnight;
        var refused = await Client(alice.ApiKey).SendAsync(Post($"/api/v1/wallets/{alice.WalletId}/payments", new { amount = 50m, description = "Too much" }));
        var problem = await AssertProblem(refused, HttpStatusCode.UnprocessableEntity, "daily_limit_exceeded");
        Assert.Equal(60m, (decimal)problem["spentToday"]!);
        await PayAsync(alice, 40m);

        Assert.Equal(1L, await Database.CountAsync("wallets", "id = $1 AND spending_day = DATE '2026-11-01' AND spent_on_spending_day = 100.00",
            alice.WalletId));
        Assert.Equal(0L, await EntriesOutOfTimeOrderAsync());
    }

    [Fact]
    public async Task A_payment_read_before_the_month_ends_after_one_stamped_in_the_new_month_is_in_one_statement_only()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        await TopUpAsync(alice.WalletId, 100m);
        _clock.Now = AfterMidnight;
        await PayAsync(alice, 20m);
        _clock.Now = BeforeMidnight;
        await PayAsync(alice, 5m);

        var october = await GetJsonAsync($"/api/v1/wallets/{alice.WalletId}/statements/2026-10");
        var november = await GetJsonAsync($"/api/v1/wallets/{alice.WalletId}/statements/2026-11");

        Assert.Equal(100m, (decimal)october["totalCredits"]!);
        Assert.Equal(0m, (decimal)october["totalDebits"]!);
        Assert.Equal(100m, (decimal)october["closingBalance"]!);
        Assert.Equal(100m, (decimal)november["openingBalance"]!);
        Assert.Equal(25m, (decimal)november["totalDebits"]!);
        Assert.Equal(75m, (decimal)november["closingBalance"]!);
        Assert.Equal(75m, (decimal)(await GetWalletAsync(alice.WalletId))["balance"]!);
    }

    [Fact]
    public async Task Parallel_writes_on_nodes_whose_clocks_disagree_keep_each_ledger_in_time_order()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");
        await TopUpAsync(alice.WalletId, 90m);
        await TopUpAsync(bob.WalletId, 90m);
        // Each read of the clock is up to three seconds early or late, as on nodes whose clocks disagree.
        _clock.MaxSkew = TimeSpan.FromSeconds(3);
        using var admin = AdminClient();

        var moves = Enumerable.Range(0, 48).Select(i => admin.SendAsync((i % 4) switch
        {
            0 => Post($"/api/v1/wallets/{alice.WalletId}/payments", new { amount = 1m, description = $"Pay {i}" }),
            1 => Post($"/api/v1/wallets/{bob.WalletId}/payments", new { amount = 1m, description = $"Pay {i}" }),
            2 => Post("/api/v1/transfers", new { fromWalletId = alice.WalletId, toWalletId = bob.WalletId, amount = 1m, description = $"Move {i}" }),
            _ => Post($"/api/v1/wallets/{bob.WalletId}/adjustments", new { direction = "Credit", amount = 1m, reason = $"Fix {i}" }),
        })).ToList();
        foreach (var response in await Task.WhenAll(moves))
            await AssertStatus(response, HttpStatusCode.Created);

        Assert.Equal(2 + 48 + 12L, await Database.CountAsync("ledger_entries"));
        Assert.Equal(0L, await EntriesOutOfTimeOrderAsync());
        AssertNoIssues(await RunCheckAsync());
    }

    [Fact]
    public async Task An_entry_stamped_before_the_entry_before_it_is_a_time_order_issue_of_that_wallet_only()
    {
        var (customer, _) = await CustomerWithPaymentsAsync();
        var (bystander, _) = await CustomerWithPaymentsAsync("Bystander");
        AssertNoIssues(await RunCheckAsync());
        var moved = await EntryIdAsync(customer.WalletId, 3);
        await CorruptAsync("UPDATE ledger_entries SET created_at = $2 WHERE id = $1", moved, BeforeMidnight.AddDays(-1));

        var report = await RunCheckAsync();

        Assert.Equal(1L, (long)report["issueCount"]!);
        Assert.Equal(["time_order"], KindsOf(report, customer.WalletId));
        Assert.Empty(KindsOf(report, bystander.WalletId));
        var detail = (string?)IssueOf(report, customer.WalletId, "time_order")["detail"];
        Assert.StartsWith($"entry {moved} (sequence 3, Payment of 20.00) is stamped 2026-10-30T23:59:59.000000Z, earlier than the entry before it (sequence 2) at ",
            detail);
    }

    /// <summary>A clock set by hand whose every reading can be made to land up to <see cref="MaxSkew"/> early or late.</summary>
    private sealed class SkewingClock(DateTimeOffset start) : TimeProvider
    {
        private long _ticks = start.UtcTicks;

        public DateTimeOffset Now
        {
            get => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);
            set => Interlocked.Exchange(ref _ticks, value.UtcTicks);
        }

        public TimeSpan MaxSkew { get; set; }

        public override DateTimeOffset GetUtcNow() =>
            Now + TimeSpan.FromTicks((long)((Random.Shared.NextDouble() * 2 - 1) * MaxSkew.Ticks));
    }
}
