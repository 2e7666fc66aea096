using System.Net;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Integrity;

public sealed class IntegrityCheckTests(TestDatabase database) : IntegrityTestBase(database)
{
    [Fact]
    public async Task A_clean_database_built_through_every_money_feature_reports_nothing_with_the_right_counts()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");
        var carol = await CreateCustomerAsync("Invoice", creditLimit: 500m, name: "Carol");
        var admin = AdminClient();

        // Top-ups, a declined top-up (a Failed payment with a wallet and no entry), wallet payments.
        await TopUpAsync(alice.WalletId, 300m);
        await TopUpAsync(bob.WalletId, 200m);
        var declined = await admin.SendAsync(Post($"/api/v1/wallets/{alice.WalletId}/top-ups", new { amount = 50m, cardToken = "tok_declined" }));
        await AssertStatus(declined, HttpStatusCode.UnprocessableEntity);
        var partlyRefunded = await PayAsync(alice, 40m);
        var refunded = await PayAsync(alice, 25m);

        // Refunds: partial and full.
        await AssertStatus(await admin.SendAsync(Post($"/api/v1/payments/{partlyRefunded}/refunds", new { amount = 10m, reason = "Damaged" })),
            HttpStatusCode.Created);
        await AssertStatus(await admin.SendAsync(Post($"/api/v1/payments/{refunded}/refunds", new { reason = "Cancelled" })), HttpStatusCode.Created);

        // A transfer and adjustments both ways.
        await AssertStatus(await admin.SendAsync(Post("/api/v1/transfers",
            new { fromWalletId = alice.WalletId, toWalletId = bob.WalletId, amount = 15m, description = "Share" })), HttpStatusCode.Created);
        await AssertStatus(await admin.SendAsync(Post($"/api/v1/wallets/{bob.WalletId}/adjustments",
            new { direction = "Credit", amount = 5m, reason = "Goodwill" })), HttpStatusCode.Created);
        await AssertStatus(await admin.SendAsync(Post($"/api/v1/wallets/{alice.WalletId}/adjustments",
            new { direction = "Debit", amount = 2m, reason = "Fee" })), HttpStatusCode.Created);

        // Orders: fulfilled and partly returned; failed (its hold voided, nothing charged); cancelled and refunded.
        var completed = await Client(alice.ApiKey).SendAsync(Post("/api/v1/orders",
            new { walletId = alice.WalletId, amount = 12m, description = "Backup storage" }));
        await AssertStatus(completed, HttpStatusCode.Created);
        var orderId = (string)(await ReadJson(completed))["id"]!;
        await AssertStatus(await Client(alice.ApiKey).SendAsync(Post($"/api/v1/orders/{orderId}/returns", new { amount = 5m, reason = "Too big" })),
            HttpStatusCode.Created);
        var failed = await Client(alice.ApiKey).SendAsync(Post("/api/v1/orders",
            new { walletId = alice.WalletId, amount = 8m, description = "Backup storage [fail]" }));
        await AssertStatus(failed, HttpStatusCode.Created);
        Assert.Equal("Failed", (string?)(await ReadJson(failed))["status"]);
        var cancelled = await Client(alice.ApiKey).SendAsync(Post("/api/v1/orders",
            new { walletId = alice.WalletId, amount = 6m, description = "Backup storage" }));
        await AssertStatus(cancelled, HttpStatusCode.Created);
        await AssertStatus(await Client(alice.ApiKey).SendAsync(Post($"/api/v1/orders/{(string)(await ReadJson(cancelled))["id"]!}/cancel", new { })),
            HttpStatusCode.OK);

        // An invoice wallet spending on credit (below zero is its right) and a direct card payment (no wallet).
        await PayAsync(carol, 100m);
        await AssertStatus(await Client(carol.ApiKey).SendAsync(Post("/api/v1/payments/card",
            new { amount = 70m, currency = "ZAR", cardToken = "tok_visa", description = "Support plan" })), HttpStatusCode.Created);

        // VM usage settled by a delete (which bills the current hour too): a UsageCharge entry and its billed hour.
        var provisioned = await Client(bob.ApiKey).SendAsync(Post("/api/v1/vms", new { walletId = bob.WalletId, name = "web-1", size = "Small" }));
        await AssertStatus(provisioned, HttpStatusCode.Created);
        var vmId = (string)(await ReadJson(provisioned))["id"]!;
        await AssertStatus(await Client(bob.ApiKey).DeleteAsync($"/api/v1/vms/{vmId}"), HttpStatusCode.OK);

        // Usage charged beyond a prepaid wallet's funds leaves it below zero: legitimate, not an issue.
        var dave = await CreateCustomerAsync(name: "Dave");
        await TopUpAsync(dave.WalletId, 1m);
        await ChargeUsageAsync(dave, 0.21m, 7);
        Assert.Equal(-0.47m, (decimal)(await GetWalletAsync(dave.WalletId))["balance"]!);

        Assert.True(await Database.CountAsync("ledger_entries", "reference_type = 'vm_usage'") >= 2);
        var report = await RunCheckAsync();

        AssertNoIssues(report);
        Assert.Equal("Api", (string?)report["trigger"]);
        Assert.Equal(4L, (long)report["walletsChecked"]!);
        Assert.Equal(await Database.CountAsync("ledger_entries"), (long)report["entriesChecked"]!);
        Assert.True((long)report["entriesChecked"]! >= 17);
        // Payments linked to a wallet: 3 top-ups and the declined one, 3 wallet payments, the captures of the 2 orders that were
        // fulfilled (the failed order's hold was voided: no payment; not the card payment).
        Assert.Equal(await Database.CountAsync("payments", "wallet_id IS NOT NULL"), (long)report["paymentsChecked"]!);
        Assert.Equal(9L, (long)report["paymentsChecked"]!);
        Assert.True(DateTimeOffset.Parse((string)report["finishedAt"]!) >= DateTimeOffset.Parse((string)report["startedAt"]!));
        Assert.Equal(1L, await Database.CountAsync("integrity_reports", "id = $1 AND trigger = 'Api' AND issue_count = 0 AND issues = '[]'::jsonb",
            Guid.Parse((string)report["id"]!)));
    }

    [Fact]
    public async Task Checks_running_while_money_moves_see_one_consistent_snapshot()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");
        await TopUpAsync(alice.WalletId, 500m);
        await TopUpAsync(bob.WalletId, 500m);
        using var admin = AdminClient();

        // Payments on both wallets and transfers between them (two wallets in one transaction), with checks in between.
        var moves = Enumerable.Range(0, 60).Select(i => admin.SendAsync(i % 3 == 2
            ? Post("/api/v1/transfers", new { fromWalletId = alice.WalletId, toWalletId = bob.WalletId, amount = 2m, description = $"Move {i}" })
            : Post($"/api/v1/wallets/{(i % 3 == 0 ? alice : bob).WalletId}/payments", new { amount = 1m, description = $"Pay {i}" }))).ToList();
        var checks = Enumerable.Range(0, 5).Select(async i =>
        {
            await Task.Delay(i * 15);
            return await RunCheckAsync();
        }).ToList();

        foreach (var response in await Task.WhenAll(moves))
            await AssertStatus(response, HttpStatusCode.Created);
        foreach (var report in await Task.WhenAll(checks))
            AssertNoIssues(report);
        var final = await RunCheckAsync();
        AssertNoIssues(final);
        Assert.Equal(2 + 40 + 2 * 20L, (long)final["entriesChecked"]!);
    }

    [Fact]
    public async Task A_changed_wallet_balance_is_a_balance_mismatch_of_that_wallet_only()
    {
        var (customer, _) = await CustomerWithPaymentsAsync();
        var (bystander, _) = await CustomerWithPaymentsAsync("Bystander");
        await CorruptAsync("UPDATE wallets SET balance = balance + 1000 WHERE id = $1", customer.WalletId);

        var report = await RunCheckAsync();

        Assert.Equal(1L, (long)report["issueCount"]!);
        Assert.Equal(["balance_mismatch"], KindsOf(report, customer.WalletId));
        Assert.Empty(KindsOf(report, bystander.WalletId));
        Assert.Equal("the balance is 1040.00 but its 4 ledger entries sum to 40.00",
            (string?)IssueOf(report, customer.WalletId, "balance_mismatch")["detail"]);
    }

    [Fact]
    public async Task Balance_and_last_sequence_mismatches_agree_with_a_naive_sum_count_and_max_of_every_wallets_ledger()
    {
        // The ledger walk takes a sound wallet's sum from its last balance_after and sums only wallets with a flagged
        // entry again; a naive GROUP BY over the same corrupted ledgers must give the same issues, detail for detail.
        var sound = (await CustomerWithPaymentsAsync("Sound")).Customer;
        var amountChanged = (await CustomerWithPaymentsAsync("Amount")).Customer;
        var middleDeleted = (await CustomerWithPaymentsAsync("Middle")).Customer;
        var shifted = (await CustomerWithPaymentsAsync("Shifted")).Customer;
        var lastAndBalanceRaised = (await CustomerWithPaymentsAsync("Raised")).Customer;
        var lastMoved = (await CustomerWithPaymentsAsync("Moved")).Customer;
        var orphanWallet = Guid.NewGuid();
        // (A CHECK constraint keeps every entry's own arithmetic; what can be broken is the chain between entries.)
        await CorruptAsync("UPDATE ledger_entries SET amount = amount + 5, balance_after = balance_after - 5 WHERE wallet_id = $1 AND sequence = 2",
            amountChanged.WalletId);
        await CorruptAsync("DELETE FROM ledger_entries WHERE wallet_id = $1 AND sequence = 2", middleDeleted.WalletId);
        // Chain breaks whose sum still matches the balance: flagged, summed again, and no balance mismatch.
        await CorruptAsync("UPDATE ledger_entries SET balance_before = balance_before + 3, balance_after = balance_after + 3 WHERE wallet_id = $1 AND sequence = 2",
            shifted.WalletId);
        // The last entry and the balance raised together: the balance equals the last balance_after, not the sum.
        await CorruptAsync("UPDATE ledger_entries SET balance_before = balance_before + 7, balance_after = balance_after + 7 WHERE wallet_id = $1 AND sequence = 4",
            lastAndBalanceRaised.WalletId);
        await CorruptAsync("UPDATE wallets SET balance = balance + 7 WHERE id = $1", lastAndBalanceRaised.WalletId);
        await CorruptAsync("UPDATE ledger_entries SET wallet_id = $2 WHERE wallet_id = $1 AND sequence = 4", lastMoved.WalletId, orphanWallet);

        var report = await RunCheckAsync();

        Guid[] wallets = [sound.WalletId, amountChanged.WalletId, middleDeleted.WalletId, shifted.WalletId,
            lastAndBalanceRaised.WalletId, lastMoved.WalletId, orphanWallet];
        var expected = new List<string>();
        await using (var connection = new Npgsql.NpgsqlConnection(Database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("""
                SELECT coalesce(w.id, s.wallet_id)::text || ' balance_mismatch ' ||
                       CASE WHEN w.id IS NULL THEN format('%s ledger entries name wallet %s, which does not exist', s.n, s.wallet_id)
                            ELSE format('the balance is %s but its %s ledger entries sum to %s', w.balance, coalesce(s.n, 0), coalesce(s.total, 0.00)) END
                FROM (SELECT * FROM wallets WHERE id = ANY($1)) w
                FULL JOIN (SELECT wallet_id, count(*) AS n, sum(CASE direction WHEN 'Credit' THEN amount ELSE -amount END) AS total
                           FROM ledger_entries WHERE wallet_id = ANY($1) GROUP BY wallet_id) s ON s.wallet_id = w.id
                WHERE w.id IS NULL OR w.balance <> coalesce(s.total, 0)
                UNION ALL
                SELECT w.id::text || ' last_sequence_mismatch ' ||
                       format('last_sequence is %s but the highest sequence in its ledger is %s', w.last_sequence, coalesce(m.sequence, 0))
                FROM wallets w
                LEFT JOIN (SELECT wallet_id, max(sequence) AS sequence FROM ledger_entries GROUP BY wallet_id) m ON m.wallet_id = w.id
                WHERE w.id = ANY($1) AND w.last_sequence <> coalesce(m.sequence, 0)
                """, connection);
            command.Parameters.AddWithValue(wallets);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                expected.Add(reader.GetString(0));
        }
        var reported = Issues(report).Select(i => i!.AsObject())
            .Where(i => wallets.Contains(Guid.Parse((string)i["walletId"]!)) && (string)i["kind"]! is "balance_mismatch" or "last_sequence_mismatch")
            .Select(i => $"{i["walletId"]} {i["kind"]} {i["detail"]}");

        Assert.Equal(expected.Order(StringComparer.Ordinal), reported.Order(StringComparer.Ordinal));
        // Every corrupted wallet but the shifted one is in the reference, so the comparison has teeth.
        Assert.Equal(5, expected.Count(e => e.Contains(" balance_mismatch ")));
        Assert.Equal(["chain_break"], KindsOf(report, shifted.WalletId));
        Assert.Empty(KindsOf(report, sound.WalletId));
    }

    [Fact]
    public async Task An_entry_deleted_from_the_middle_is_a_sequence_gap_and_a_chain_break()
    {
        var (customer, payments) = await CustomerWithPaymentsAsync();
        var deleted = await EntryIdAsync(customer.WalletId, 2);
        await CorruptAsync("DELETE FROM ledger_entries WHERE id = $1", deleted);

        var report = await RunCheckAsync();

        // The sum no longer matches either, and the payment it belonged to lost its entry.
        Assert.Equal(["balance_mismatch", "chain_break", "paid_payment_without_entry", "sequence_gap"], KindsOf(report, customer.WalletId));
        Assert.Contains("jumps from 1 to 3", (string?)IssueOf(report, customer.WalletId, "sequence_gap")["detail"]);
        Assert.Contains("starts from balance 90.00 but the entry before it (sequence 1) ended at 100.00",
            (string?)IssueOf(report, customer.WalletId, "chain_break")["detail"]);
        Assert.Contains(payments[0].ToString(), (string?)IssueOf(report, customer.WalletId, "paid_payment_without_entry")["detail"]);
        Assert.Equal(4L, (long)report["issueCount"]!);
    }

    [Fact]
    public async Task The_last_entry_deleted_is_a_balance_and_last_sequence_mismatch()
    {
        var (customer, payments) = await CustomerWithPaymentsAsync();
        await CorruptAsync("DELETE FROM ledger_entries WHERE id = $1", await EntryIdAsync(customer.WalletId, 4));

        var report = await RunCheckAsync();

        Assert.Equal(["balance_mismatch", "last_sequence_mismatch", "paid_payment_without_entry"], KindsOf(report, customer.WalletId));
        Assert.Equal("the balance is 40.00 but its 3 ledger entries sum to 70.00",
            (string?)IssueOf(report, customer.WalletId, "balance_mismatch")["detail"]);
        Assert.Equal("last_sequence is 4 but the highest sequence in its ledger is 3",
            (string?)IssueOf(report, customer.WalletId, "last_sequence_mismatch")["detail"]);
        Assert.Contains($"Paid Wallet payment {payments[2]} of 30.00 names ledger entry",
            (string?)IssueOf(report, customer.WalletId, "paid_payment_without_entry")["detail"]);
    }

    [Fact]
    public async Task A_wrong_balance_after_breaks_the_chain_on_both_sides_of_the_entry()
    {
        // The schema's CHECK keeps balance_after = balance_before ± amount, so the entry is shifted as a whole: it no longer
        // follows the entry before it, and the entry after it no longer follows it.
        var (customer, _) = await CustomerWithPaymentsAsync();
        await CorruptAsync("UPDATE ledger_entries SET balance_before = balance_before + 5, balance_after = balance_after + 5 WHERE id = $1",
            await EntryIdAsync(customer.WalletId, 2));

        var report = await RunCheckAsync();

        Assert.Equal(["chain_break"], KindsOf(report, customer.WalletId));
        var breaks = Issues(report).Select(i => (string)i!["detail"]!).ToList();
        Assert.Equal(2, breaks.Count);
        Assert.Contains(breaks, d => d.Contains("(sequence 2) starts from balance 105.00 but the entry before it (sequence 1) ended at 100.00"));
        Assert.Contains(breaks, d => d.Contains("(sequence 3) starts from balance 90.00 but the entry before it (sequence 2) ended at 95.00"));
    }

    [Fact]
    public async Task A_renumbered_sequence_is_reported_as_gaps_chain_breaks_a_last_sequence_mismatch_and_time_out_of_order()
    {
        var (customer, _) = await CustomerWithPaymentsAsync();
        await CorruptAsync("UPDATE ledger_entries SET sequence = 9 WHERE wallet_id = $1 AND sequence = 2", customer.WalletId);

        var report = await RunCheckAsync();

        // The ledger now reads 1, 3, 4, 9: the money still sums up, its order does not, and entry 9 was stamped before entry 4.
        Assert.Equal(["chain_break", "last_sequence_mismatch", "sequence_gap", "time_order"], KindsOf(report, customer.WalletId));
        Assert.Contains("(sequence 9, Payment of 10.00) is stamped", (string?)IssueOf(report, customer.WalletId, "time_order")["detail"]);
        var gaps = Issues(report).Where(i => (string?)i!["kind"] == "sequence_gap").Select(i => (string)i!["detail"]!).ToList();
        Assert.Equal(2, gaps.Count);
        Assert.Contains(gaps, d => d.StartsWith("the sequence jumps from 1 to 3", StringComparison.Ordinal));
        Assert.Contains(gaps, d => d.StartsWith("the sequence jumps from 4 to 9", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_paid_payment_naming_a_missing_entry_is_reported_and_its_real_entry_has_no_payment()
    {
        var (customer, payments) = await CustomerWithPaymentsAsync();
        await CorruptAsync("UPDATE payments SET ledger_entry_id = $2 WHERE id = $1", payments[1], Guid.NewGuid());

        var report = await RunCheckAsync();

        Assert.Equal(["paid_payment_without_entry", "payment_entry_without_payment"], KindsOf(report, customer.WalletId));
        Assert.EndsWith("which does not exist", (string?)IssueOf(report, customer.WalletId, "paid_payment_without_entry")["detail"]);
        Assert.Contains($"the payment is a Paid Wallet payment of 20.00 on wallet {customer.WalletId} naming ledger entry",
            (string?)IssueOf(report, customer.WalletId, "payment_entry_without_payment")["detail"]);
    }

    [Fact]
    public async Task A_payment_whose_amount_disagrees_with_its_entry_is_one_issue()
    {
        var (customer, payments) = await CustomerWithPaymentsAsync();
        await CorruptAsync("UPDATE payments SET amount = 25.00 WHERE id = $1", payments[1]);

        var report = await RunCheckAsync();

        Assert.Equal(1L, (long)report["issueCount"]!);
        var detail = (string?)IssueOf(report, customer.WalletId, "paid_payment_without_entry")["detail"];
        Assert.StartsWith($"Paid Wallet payment {payments[1]} of 25.00 names ledger entry", detail);
        Assert.EndsWith($"a Payment of 20.00 on wallet {customer.WalletId}", detail);
    }

    [Fact]
    public async Task An_entry_of_a_payment_marked_failed_is_money_moved_without_a_paid_payment()
    {
        var (customer, payments) = await CustomerWithPaymentsAsync();
        await CorruptAsync("UPDATE payments SET status = 'Failed', failure_code = 'card_declined' WHERE id = $1", payments[0]);

        var report = await RunCheckAsync();

        Assert.Equal(["payment_entry_without_payment"], KindsOf(report, customer.WalletId));
        Assert.Contains("the payment is a Failed Wallet payment of 10.00", (string?)IssueOf(report, customer.WalletId, "payment_entry_without_payment")["detail"]);
    }

    [Fact]
    public async Task A_payment_entry_whose_payment_is_missing_is_reported()
    {
        var (customer, payments) = await CustomerWithPaymentsAsync();
        await CorruptAsync("DELETE FROM payments WHERE id = $1", payments[0]);

        var report = await RunCheckAsync();

        Assert.Equal(1L, (long)report["issueCount"]!);
        Assert.Equal(["payment_entry_without_payment"], KindsOf(report, customer.WalletId));
        var detail = (string?)IssueOf(report, customer.WalletId, "payment_entry_without_payment")["detail"];
        Assert.Contains($"caused by payment {payments[0]}", detail);
        Assert.EndsWith("the payment does not exist", detail);
    }

    [Fact]
    public async Task A_refund_entry_whose_refund_record_is_gone_is_reported_and_the_payment_no_longer_adds_up()
    {
        var (customer, payments) = await CustomerWithPaymentsAsync();
        await AssertStatus(await AdminClient().SendAsync(Post($"/api/v1/payments/{payments[2]}/refunds", new { amount = 5m, reason = "Late" })),
            HttpStatusCode.Created);
        AssertNoIssues(await RunCheckAsync());
        await CorruptAsync("DELETE FROM refunds WHERE payment_id = $1", payments[2]);

        var report = await RunCheckAsync();

        Assert.Equal(["payment_entry_without_payment", "refunded_amount_mismatch"], KindsOf(report, customer.WalletId));
        Assert.EndsWith("no refund of the payment names this entry", (string?)IssueOf(report, customer.WalletId, "payment_entry_without_payment")["detail"]);
        Assert.Equal($"PartiallyRefunded Wallet payment {payments[2]} of 30.00 records 5.00 refunded, but its 0 refund(s) add up to 0.00",
            (string?)IssueOf(report, customer.WalletId, "refunded_amount_mismatch")["detail"]);
    }

    [Fact]
    public async Task Entries_whose_transfer_or_adjustment_no_longer_exists_are_orphans()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        var bob = await CreateCustomerAsync(name: "Bob");
        await TopUpAsync(alice.WalletId, 50m);
        var transfer = await AdminClient().SendAsync(Post("/api/v1/transfers",
            new { fromWalletId = alice.WalletId, toWalletId = bob.WalletId, amount = 20m, description = "Share" }));
        await AssertStatus(transfer, HttpStatusCode.Created);
        var adjustment = await AdminClient().SendAsync(Post($"/api/v1/wallets/{bob.WalletId}/adjustments",
            new { direction = "Credit", amount = 3m, reason = "Goodwill" }));
        await AssertStatus(adjustment, HttpStatusCode.Created);

        await CorruptAsync("DELETE FROM transfers WHERE id = $1", Guid.Parse((string)(await ReadJson(transfer))["id"]!));
        await CorruptAsync("DELETE FROM adjustments WHERE id = $1", Guid.Parse((string)(await ReadJson(adjustment))["id"]!));

        var report = await RunCheckAsync();

        Assert.Equal(["orphan_entry"], KindsOf(report, alice.WalletId));
        Assert.Equal(["orphan_entry"], KindsOf(report, bob.WalletId));
        Assert.Equal(3L, (long)report["issueCount"]!);
        var details = Issues(report).Select(i => (string)i!["detail"]!).ToList();
        Assert.Equal(2, details.Count(d => d.EndsWith("the transfer does not exist", StringComparison.Ordinal)));
        Assert.Single(details, d => d.EndsWith("the adjustment does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_entry_pointed_at_another_record_is_an_orphan_and_the_record_has_lost_its_entry()
    {
        var alice = await CreateCustomerAsync(name: "Alice");
        await TopUpAsync(alice.WalletId, 50m);
        var adjustment = await AdminClient().SendAsync(Post($"/api/v1/wallets/{alice.WalletId}/adjustments",
            new { direction = "Debit", amount = 3m, reason = "Fee" }));
        await AssertStatus(adjustment, HttpStatusCode.Created);
        await CorruptAsync("UPDATE ledger_entries SET reference_id = $2 WHERE wallet_id = $1 AND sequence = 2", alice.WalletId, Guid.NewGuid());

        var report = await RunCheckAsync();

        Assert.Equal(["orphan_entry", "record_without_entry"], KindsOf(report, alice.WalletId));
        Assert.StartsWith($"adjustment {(string)(await ReadJson(adjustment))["id"]!} (Debit of 3.00) names ledger entry",
            (string?)IssueOf(report, alice.WalletId, "record_without_entry")["detail"]);
    }

    [Fact]
    public async Task Usage_whose_billed_hours_do_not_add_up_to_the_charge_is_a_usage_mismatch()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 10m);
        var vmId = await ChargeUsageAsync(customer, 0.21m, 3);
        AssertNoIssues(await RunCheckAsync());

        await CorruptAsync("UPDATE vm_usage SET amount = 0.50 WHERE vm_id = $1 AND hour_start = (SELECT min(hour_start) FROM vm_usage WHERE vm_id = $1)",
            vmId);
        var report = await RunCheckAsync();

        Assert.Equal(["usage_mismatch"], KindsOf(report, customer.WalletId));
        Assert.Equal(1L, (long)report["issueCount"]!);
        Assert.StartsWith($"3 billed hour(s) of VM {vmId} (0.92) name ledger entry", (string?)IssueOf(report, customer.WalletId, "usage_mismatch")["detail"]);
        Assert.EndsWith($"a UsageCharge of 0.63 on wallet {customer.WalletId}", (string?)IssueOf(report, customer.WalletId, "usage_mismatch")["detail"]);
    }

    [Fact]
    public async Task A_usage_charge_whose_billed_hours_are_gone_is_a_usage_mismatch()
    {
        var customer = await CreateCustomerAsync();
        var vmId = await ChargeUsageAsync(customer, 0.21m, 2);
        await CorruptAsync("DELETE FROM vm_usage WHERE vm_id = $1", vmId);

        var report = await RunCheckAsync();

        // Below zero after usage is legitimate; only the missing hours are an issue: the charge without them, and the
        // VM's billed-through past hours that now have no usage row.
        Assert.Equal(2L, (long)report["issueCount"]!);
        Assert.EndsWith("no billed hour of the VM names it", (string?)IssueOf(report, customer.WalletId, "usage_mismatch")["detail"]);
        Assert.Contains("2 hour(s) since its creation hour, but 0 have a usage row",
            (string?)IssueOf(report, customer.WalletId, "skipped_vm_hours")["detail"]);
    }

    [Fact]
    public async Task At_most_1000_issues_are_kept_but_all_are_counted()
    {
        // 1 005 wallets holding money no ledger entry explains.
        await CorruptAsync("""
            WITH c AS (
                INSERT INTO customers (id, name, billing_model, status, created_at)
                SELECT gen_random_uuid(), 'Bulk ' || n, 'Payg', 'Active', now() FROM generate_series(1, 1005) AS n
                RETURNING id)
            INSERT INTO wallets (id, customer_id, currency, balance, credit_limit, status, last_sequence, created_at)
            SELECT gen_random_uuid(), id, 'ZAR', 1.00, 0, 'Active', 0, now() FROM c
            """);

        var report = await RunCheckAsync();

        Assert.Equal(1005L, (long)report["issueCount"]!);
        Assert.Equal(1000, Issues(report).Count);
        Assert.All(Issues(report), i => Assert.Equal("balance_mismatch", (string?)i!["kind"]));
        Assert.Equal(1005L, await Database.ScalarAsync<long>("SELECT issue_count FROM integrity_reports WHERE id = $1", Guid.Parse((string)report["id"]!)));
        Assert.Equal(1000L, await Database.ScalarAsync<long>("SELECT jsonb_array_length(issues) FROM integrity_reports WHERE id = $1",
            Guid.Parse((string)report["id"]!)));
    }

    [Fact]
    public async Task Latest_is_a_404_before_any_check_then_the_last_report_and_each_report_can_be_read_by_id()
    {
        await AssertProblem(await AdminClient().GetAsync($"{ChecksUrl}/latest"), HttpStatusCode.NotFound, "not_found");

        var first = await RunCheckAsync();
        var (customer, _) = await CustomerWithPaymentsAsync();
        await CorruptAsync("UPDATE wallets SET last_sequence = 7 WHERE id = $1", customer.WalletId);
        var second = await RunCheckAsync();

        var latest = await GetJsonAsync($"{ChecksUrl}/latest");
        Assert.Equal((string?)second["id"], (string?)latest["id"]);
        Assert.Equal(1L, (long)latest["issueCount"]!);
        var issue = Issues(latest).Single()!;
        Assert.Equal(customer.WalletId.ToString(), (string?)issue["walletId"]);
        Assert.Equal("last_sequence_mismatch", (string?)issue["kind"]);
        Assert.Equal("last_sequence is 7 but the highest sequence in its ledger is 4", (string?)issue["detail"]);
        Assert.Equal(second.ToJsonString(), latest.ToJsonString());

        var byId = await GetJsonAsync($"{ChecksUrl}/{(string)first["id"]!}");
        Assert.Equal(first.ToJsonString(), byId.ToJsonString());
        Assert.Equal(0L, (long)byId["walletsChecked"]!);
        await AssertProblem(await AdminClient().GetAsync($"{ChecksUrl}/{Guid.NewGuid()}"), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task An_ops_key_may_run_and_read_checks_a_customer_key_is_forbidden_and_no_key_is_unauthorised()
    {
        var customer = await CreateCustomerAsync();
        var opsKey = await CreateOpsKeyAsync();

        var report = await RunCheckAsync(opsKey);
        Assert.Equal((string?)report["id"], (string?)(await GetJsonAsync($"{ChecksUrl}/latest", opsKey))["id"]);

        var asCustomer = Client(customer.ApiKey);
        await AssertProblem(await asCustomer.PostAsync(ChecksUrl, null), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await asCustomer.GetAsync($"{ChecksUrl}/latest"), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await asCustomer.GetAsync($"{ChecksUrl}/{(string)report["id"]!}"), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await Client(apiKey: null).PostAsync(ChecksUrl, null), HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(1L, await Database.CountAsync("integrity_reports"));
    }

    [Fact]
    public async Task A_check_only_reads_the_money_tables()
    {
        var (customer, _) = await CustomerWithPaymentsAsync();
        await CorruptAsync("UPDATE wallets SET balance = 0 WHERE id = $1", customer.WalletId);
        var before = await SnapshotAsync();

        var report = await RunCheckAsync();

        Assert.Equal(1L, (long)report["issueCount"]!);
        Assert.Equal(before, await SnapshotAsync());
    }

    private async Task<string> SnapshotAsync() => await Database.ScalarAsync<string>("""
        SELECT (SELECT coalesce(string_agg(id::text || balance::text || last_sequence::text, ',' ORDER BY id), '') FROM wallets) || '|' ||
               (SELECT count(*) FROM ledger_entries)::text || '|' ||
               (SELECT coalesce(string_agg(id::text || status || coalesce(ledger_entry_id::text, ''), ',' ORDER BY id), '') FROM payments)
        """);
}
