using System.Net;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Application.Integrity.Commands.RunScheduledIntegrityCheck;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CleanWallet.Api.Tests.Integrity;

/// <summary>
/// Incremental checks: each wallet walked from the checkpoint a clean check left (its last proven entry), so what was
/// appended since is checked as thoroughly as by a full check, and an old entry altered behind the append-only trigger
/// is left to the next full check.
/// </summary>
public sealed class IncrementalIntegrityTests(TestDatabase database) : IntegrityTestBase(database)
{
    /// <summary>
    /// A customer with entries 1 to 4 proven by a clean full check (its checkpoint is entry 4), then two more payments
    /// (1.00 and 2.00): entries 5 and 6, the new entries an incremental check walks. Balance 37.00.
    /// </summary>
    private async Task<TestCustomer> CheckedCustomerWithTwoNewEntriesAsync(string name = "Acme")
    {
        var (customer, _) = await CustomerWithPaymentsAsync(name);
        AssertNoIssues(await RunCheckAsync());
        Assert.Equal(4L, await Database.ScalarAsync<long>("SELECT sequence FROM integrity_checkpoints WHERE wallet_id = $1", customer.WalletId));
        await PayAsync(customer, 1m);
        await PayAsync(customer, 2m);
        return customer;
    }

    private static string[] IssueLines(JsonObject report) =>
        Issues(report).Select(i => $"{i!["walletId"]} {i["kind"]} {i["detail"]}").Order(StringComparer.Ordinal).ToArray();

    public static TheoryData<string, string, string> BreaksInNewEntries => new()
    {
        { "a chain break", "chain_break",
            "UPDATE ledger_entries SET balance_before = balance_before + 3, balance_after = balance_after + 3 WHERE wallet_id = $1 AND sequence = 6" },
        { "a first new entry not starting where the checkpoint ended", "chain_break",
            "UPDATE ledger_entries SET balance_before = balance_before + 2, balance_after = balance_after + 2 WHERE wallet_id = $1 AND sequence = 5" },
        { "a sequence gap", "sequence_gap", "UPDATE ledger_entries SET sequence = 9 WHERE wallet_id = $1 AND sequence = 6" },
        { "a gap right after the checkpoint", "sequence_gap", "UPDATE ledger_entries SET sequence = 8 WHERE wallet_id = $1 AND sequence = 5" },
        { "a deleted new entry", "sequence_gap", "DELETE FROM ledger_entries WHERE wallet_id = $1 AND sequence = 5" },
        { "a new entry stamped before the checkpoint's entry", "time_order",
            "UPDATE ledger_entries SET created_at = (SELECT created_at - interval '1 hour' FROM ledger_entries WHERE wallet_id = $1 AND sequence = 4) " +
            "WHERE wallet_id = $1 AND sequence = 5" },
        { "a wallet balance that is not its ledger's", "balance_mismatch", "UPDATE wallets SET balance = balance + 1 WHERE id = $1" },
        { "a last sequence that is not its ledger's", "last_sequence_mismatch", "UPDATE wallets SET last_sequence = 7 WHERE id = $1" },
        { "a new entry's payment of another amount", "paid_payment_without_entry",
            "UPDATE payments SET amount = amount + 1 WHERE ledger_entry_id = (SELECT id FROM ledger_entries WHERE wallet_id = $1 AND sequence = 6)" },
        { "a new entry naming a payment that does not exist", "payment_entry_without_payment",
            "UPDATE ledger_entries SET reference_id = gen_random_uuid() WHERE wallet_id = $1 AND sequence = 5" },
    };

    [Theory]
    [MemberData(nameof(BreaksInNewEntries))]
    public async Task An_incremental_check_after_a_clean_full_one_finds_a_break_in_the_new_entries_and_reports_it_as_a_full_check_does(
        string what, string kind, string corruption)
    {
        var customer = await CheckedCustomerWithTwoNewEntriesAsync();
        var bystander = (await CustomerWithPaymentsAsync("Bystander")).Customer;
        await CorruptAsync(corruption, customer.WalletId);

        var incremental = await RunIncrementalCheckAsync();

        Assert.True(KindsOf(incremental, customer.WalletId).Contains(kind), $"{what}: no {kind} in {incremental.ToJsonString()}");
        Assert.Empty(KindsOf(incremental, bystander.WalletId));
        // It walked only what lies past the checkpoints: the customer's new entries and the bystander's whole ledger (it has no checkpoint yet).
        Assert.Equal(await Database.CountAsync("ledger_entries", "wallet_id = $1 AND sequence > 4", customer.WalletId) + 4,
            (long)incremental["entriesChecked"]!);
        Assert.Equal(2L, (long)incremental["walletsChecked"]!);

        var full = await RunCheckAsync();
        Assert.Equal("Full", (string?)full["mode"]);
        Assert.Equal(IssueLines(full), IssueLines(incremental));
        Assert.Equal((long)full["issueCount"]!, (long)incremental["issueCount"]!);
        Assert.Equal((long)full["paymentsChecked"]!, (long)incremental["paymentsChecked"]!);

        // A wallet with an issue keeps no checkpoint, so the next incremental check walks it whole and reports it again.
        Assert.Equal(0L, await Database.CountAsync("integrity_checkpoints", "wallet_id = $1", customer.WalletId));
        Assert.Equal(IssueLines(full), IssueLines(await RunIncrementalCheckAsync()));
    }

    [Fact]
    public async Task An_incremental_check_finds_a_new_entry_whose_own_arithmetic_is_wrong_with_its_check_constraint_lifted()
    {
        var customer = await CheckedCustomerWithTwoNewEntriesAsync();
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        async Task Execute(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
        var definition = await Database.ScalarAsync<string>(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'ledger_entries_balance_check'");
        var entry = await EntryIdAsync(customer.WalletId, 6);
        // The CHECK constraint (the database's backstop) is what normally keeps this from happening: lifted for one statement.
        await Execute($"""
            BEGIN;
            SET LOCAL session_replication_role = replica;
            ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_balance_check;
            UPDATE ledger_entries SET balance_after = balance_after + 1 WHERE id = '{entry}';
            ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_balance_check {definition} NOT VALID;
            COMMIT;
            """);
        try
        {
            var incremental = await RunIncrementalCheckAsync();

            Assert.Contains("entry_arithmetic", KindsOf(incremental, customer.WalletId));
            Assert.Equal(IssueLines(await RunCheckAsync()), IssueLines(incremental));
        }
        finally
        {
            await Execute($"""
                BEGIN;
                SET LOCAL session_replication_role = replica;
                UPDATE ledger_entries SET balance_after = balance_after - 1 WHERE id = '{entry}';
                COMMIT;
                ALTER TABLE ledger_entries VALIDATE CONSTRAINT ledger_entries_balance_check;
                """);
        }
    }

    [Fact]
    public async Task An_old_entry_altered_behind_the_trigger_is_missed_by_an_incremental_check_and_found_by_the_next_full_one()
    {
        var customer = await CheckedCustomerWithTwoNewEntriesAsync();
        // Entry 2 lies below the checkpoint (entry 4): changing it needs the append-only trigger off, as no code can.
        await CorruptAsync("UPDATE ledger_entries SET balance_before = balance_before + 3, balance_after = balance_after + 3 WHERE wallet_id = $1 AND sequence = 2",
            customer.WalletId);

        // The boundary, stated honestly: an incremental check proves what was appended, on top of what was proven before.
        var incremental = await RunIncrementalCheckAsync();
        AssertNoIssues(incremental);
        Assert.Equal(2L, (long)incremental["entriesChecked"]!);

        var full = await RunCheckAsync();
        Assert.Equal(["chain_break"], KindsOf(full, customer.WalletId));

        // Once found, it stays found: the full check dropped the wallet's checkpoint.
        Assert.Equal(IssueLines(full), IssueLines(await RunIncrementalCheckAsync()));
    }

    [Fact]
    public async Task A_record_paired_with_another_wallets_entry_drops_both_checkpoints_so_incremental_checks_keep_reporting_it()
    {
        var (alice, payments) = await CustomerWithPaymentsAsync("Alice");
        var bob = (await CustomerWithPaymentsAsync("Bob")).Customer;
        AssertNoIssues(await RunCheckAsync());
        // Alice's payment now claims to be Bob's: reported once, on the payment's (Bob's) wallet; Alice's entry is concerned too.
        await CorruptAsync("UPDATE payments SET wallet_id = $2 WHERE id = $1", payments[0], bob.WalletId);

        var full = await RunCheckAsync();

        Assert.Contains("paid_payment_without_entry", KindsOf(full, bob.WalletId));
        Assert.Equal(0L, await Database.CountAsync("integrity_checkpoints", "wallet_id = ANY($1)", new[] { alice.WalletId, bob.WalletId }));
        Assert.Equal(IssueLines(full), IssueLines(await RunIncrementalCheckAsync()));
    }

    [Fact]
    public async Task On_a_clean_database_an_incremental_and_a_full_check_agree_and_the_incremental_one_walks_only_the_new_entries()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");
        await TopUpAsync(alice.WalletId, 300m);
        await TopUpAsync(bob.WalletId, 50m);
        var paid = await PayAsync(alice, 40m);
        AssertNoIssues(await RunCheckAsync());
        var before = await Database.CountAsync("ledger_entries");

        // After the full check: a refund of an old payment, a transfer, an adjustment, usage, a new wallet.
        var admin = AdminClient();
        await AssertStatus(await admin.SendAsync(Post($"/api/v1/payments/{paid}/refunds", new { amount = 10m, reason = "Damaged" })),
            HttpStatusCode.Created);
        await AssertStatus(await admin.SendAsync(Post("/api/v1/transfers",
            new { fromWalletId = alice.WalletId, toWalletId = bob.WalletId, amount = 15m, description = "Share" })), HttpStatusCode.Created);
        await AssertStatus(await admin.SendAsync(Post($"/api/v1/wallets/{bob.WalletId}/adjustments",
            new { direction = "Credit", amount = 5m, reason = "Goodwill" })), HttpStatusCode.Created);
        await ChargeUsageAsync(bob, 0.21m, 3);
        var carol = await CreateCustomerAsync(name: "Carol");
        await TopUpAsync(carol.WalletId, 20m);

        var incremental = await RunIncrementalCheckAsync();
        var full = await RunCheckAsync();

        AssertNoIssues(incremental);
        AssertNoIssues(full);
        Assert.Equal((long)full["walletsChecked"]!, (long)incremental["walletsChecked"]!);
        Assert.Equal((long)full["paymentsChecked"]!, (long)incremental["paymentsChecked"]!);
        Assert.Equal(await Database.CountAsync("ledger_entries") - before, (long)incremental["entriesChecked"]!);
        Assert.Equal(await Database.CountAsync("ledger_entries"), (long)full["entriesChecked"]!);
        Assert.True((long)incremental["entriesChecked"]! is > 0 and < 10);
    }

    [Fact]
    public async Task An_entry_committed_while_an_incremental_check_runs_is_walked_by_the_next_one_even_stamped_and_numbered_before_it()
    {
        var customer = await CheckedCustomerWithTwoNewEntriesAsync();
        AssertNoIssues(await RunIncrementalCheckAsync());

        // A writer holds the wallet and has appended entry 7 — with a broken chain, an id below every other and a stamp an
        // hour old — but has not committed while the next check runs: that check cannot see it and proves entry 6.
        await using var writer = new NpgsqlConnection(Database.ConnectionString);
        await writer.OpenAsync();
        await using var transaction = await writer.BeginTransactionAsync();
        await using (var append = new NpgsqlCommand("""
            SELECT 1 FROM wallets WHERE id = $1 FOR UPDATE;
            """, writer, transaction))
        {
            append.Parameters.AddWithValue(customer.WalletId);
            await append.ExecuteNonQueryAsync();
        }
        await using (var append = new NpgsqlCommand("""
            INSERT INTO ledger_entries (id, wallet_id, sequence, type, direction, amount, balance_before, balance_after,
                                        reference_type, reference_id, description, actor, created_at)
            SELECT '00000000-0000-0000-0000-000000000001', w.id, w.last_sequence + 1, 'AdjustmentDebit', 'Debit', 5.00, w.balance + 1, w.balance - 4,
                   'adjustment', gen_random_uuid(), 'Late', 'test', now() - interval '1 hour'
            FROM wallets w WHERE w.id = $1
            """, writer, transaction))
        {
            append.Parameters.AddWithValue(customer.WalletId);
            Assert.Equal(1, await append.ExecuteNonQueryAsync());
        }

        var during = await RunIncrementalCheckAsync();
        AssertNoIssues(during);
        Assert.Equal(0L, (long)during["entriesChecked"]!);
        Assert.Equal(6L, await Database.ScalarAsync<long>("SELECT sequence FROM integrity_checkpoints WHERE wallet_id = $1", customer.WalletId));

        await transaction.CommitAsync();
        var after = await RunIncrementalCheckAsync();

        Assert.Equal(1L, (long)after["entriesChecked"]!);
        Assert.Contains("chain_break", KindsOf(after, customer.WalletId));
        Assert.Contains("orphan_entry", KindsOf(after, customer.WalletId));
        Assert.Contains("last_sequence_mismatch", KindsOf(after, customer.WalletId));
    }

    [Fact]
    public async Task Incremental_checks_racing_real_payments_walk_every_entry_exactly_once_and_never_move_a_checkpoint_past_one_unseen()
    {
        var (customer, _) = await CustomerWithPaymentsAsync();
        await TopUpAsync(customer.WalletId, 500m);
        AssertNoIssues(await RunCheckAsync());
        var proven = await Database.CountAsync("ledger_entries");

        var payments = Task.WhenAll(Enumerable.Range(0, 40).Select(i => PayAsync(customer, 0.01m * (i + 1))));
        var walked = 0L;
        var checks = 0;
        while (!payments.IsCompleted || checks < 2)
        {
            var report = await RunIncrementalCheckAsync();
            AssertNoIssues(report);
            walked += (long)report["entriesChecked"]!;
            checks++;
        }
        await payments;
        var last = await RunIncrementalCheckAsync();
        AssertNoIssues(last);
        walked += (long)last["entriesChecked"]!;

        // Each appended entry walked once: none skipped by a checkpoint, none walked twice.
        Assert.Equal(await Database.CountAsync("ledger_entries") - proven, walked);
        Assert.Equal(await Database.ScalarAsync<long>("SELECT last_sequence FROM wallets WHERE id = $1", customer.WalletId),
            await Database.ScalarAsync<long>("SELECT sequence FROM integrity_checkpoints WHERE wallet_id = $1", customer.WalletId));
    }

    [Fact]
    public async Task An_unknown_mode_is_a_400_validation_failed_and_runs_no_check()
    {
        var response = await Client().PostAsync($"{ChecksUrl}?mode=partial", null);

        await AssertProblem(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(0L, await Database.CountAsync("integrity_reports"));
    }

    [Fact]
    public async Task The_scheduled_check_is_full_first_then_incremental_until_the_last_full_one_is_a_day_old()
    {
        var (customer, _) = await CustomerWithPaymentsAsync();
        async Task<IntegrityCheckSummary> Scheduled()
        {
            await using var scope = Factory.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new RunScheduledIntegrityCheckCommand());
        }

        Assert.Equal("Full", (await Scheduled()).Mode);
        await PayAsync(customer, 1m);
        var second = await Scheduled();
        Assert.Equal("Incremental", second.Mode);
        Assert.Equal(1L, second.EntriesChecked);

        // The API's on-demand check is full by default, and counts as the last full check.
        await Database.ScalarAsync<long>("WITH aged AS (UPDATE integrity_reports SET started_at = started_at - interval '25 hours' RETURNING 1) SELECT count(*) FROM aged");
        Assert.Equal("Full", (string?)(await RunCheckAsync())["mode"]);
        Assert.Equal("Incremental", (await Scheduled()).Mode);

        await Database.ScalarAsync<long>("WITH aged AS (UPDATE integrity_reports SET started_at = started_at - interval '25 hours' RETURNING 1) SELECT count(*) FROM aged");
        Assert.Equal("Full", (await Scheduled()).Mode);
        var latest = await GetJsonAsync($"{ChecksUrl}/latest");
        Assert.Equal("Full", (string?)latest["mode"]);
    }
}
