using System.Net;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace CleanWallet.Api.Tests.Payments;

/// <summary>
/// A payment (or hold) with an Idempotency-Key on a wallet whose last movement this process committed starts from that
/// copy of the wallet and takes the row lock with its guarded UPDATE at commit (WalletSnapshots in Infrastructure). The copy
/// may be out of date: another process, the top-up path, an operator or a job changed the row. Then nothing the copy
/// decided may stand, a refusal included: the command runs again on the row read under its lock.
/// </summary>
public sealed class WalletSnapshotTests(TestDatabase database) : ApiTestBase(database)
{
    private readonly CommitFaults _faults = new();

    protected override ApiFactory CreateFactory() =>
        ApiFactory.StartOnKestrel(Database.ConnectionString, services => services
            .AddSingleton<IInterceptor>(_faults).AddSingleton<IWriteBatchInterceptor>(_faults));

    private static HttpRequestMessage Pay(Guid walletId, decimal amount, string key) =>
        Post($"/api/v1/wallets/{walletId}/payments", new { amount, description = $"Pay {amount}" }, key);

    /// <summary>
    /// A customer with 100 on its wallet, a client of this process with the customer's key, and a first payment of
    /// <paramref name="spent"/> through it: this process then holds the wallet's copy as that payment committed it.
    /// </summary>
    private async Task<(TestCustomer Customer, HttpClient Client)> CustomerWithCopyAsync(decimal spent, string key)
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var client = Client(customer.ApiKey);
        await AssertStatus(await client.SendAsync(Pay(customer.WalletId, spent, key)), HttpStatusCode.Created);
        return (customer, client);
    }

    [Fact]
    public async Task A_payment_the_copy_would_allow_but_another_process_spent_the_money_for_is_refused_on_the_row()
    {
        var (customer, here) = await CustomerWithCopyAsync(10m, "here-1"); // copy: 90
        await using var other = ApiFactory.StartOnKestrel(Database.ConnectionString);
        using var there = ClientOf(other, customer.ApiKey);

        await AssertStatus(await there.SendAsync(Pay(customer.WalletId, 85m, "there-1")), HttpStatusCode.Created); // row: 5

        // The copy says 90 are there; the row says 5.
        var (response, sent) = await DatabaseCommandTrace.SendAsync(here, Pay(customer.WalletId, 10m, "here-2"));

        await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        // It did start from the copy: the guarded UPDATE went first, alone with its writes, and found the row changed; then
        // the key's lookup and the wallet's row lock, and the refusal.
        Assert.True(sent.Length >= 2, DatabaseCommandTrace.Describe(sent));
        Assert.StartsWith("WITH written AS (UPDATE wallets", sent[0]);
        Assert.Contains("IS NOT DISTINCT FROM", sent[0]);
        Assert.StartsWith("SELECT pg_current_xact_id()::text", sent[1]);
        Assert.EndsWith("FOR UPDATE", sent[1]);

        Assert.Equal(2L, await Database.CountAsync("payments", "method = 'Wallet' AND wallet_id = $1", customer.WalletId));
        await AssertWalletReconciles(customer.WalletId, 5m, 3);
        // The next payment here starts from the row again, and its copy is current after it.
        await AssertStatus(await here.SendAsync(Pay(customer.WalletId, 5m, "here-3")), HttpStatusCode.Created);
        await AssertWalletReconciles(customer.WalletId, 0m, 4);
    }

    [Fact]
    public async Task A_refusal_the_out_of_date_copy_would_give_is_not_given_the_payment_is_decided_on_the_row()
    {
        var (customer, client) = await CustomerWithCopyAsync(95m, "spend"); // copy: 5
        await using var other = ApiFactory.StartOnKestrel(Database.ConnectionString);
        // A card top-up through another process: the copy here still says 5.
        await TopUpAsync(customer.WalletId, 100m, ClientOf(other, ApiFactory.AdminKey));

        var response = await client.SendAsync(Pay(customer.WalletId, 50m, "after-top-up"));

        await AssertStatus(response, HttpStatusCode.Created);
        Assert.False(response.Headers.Contains("Idempotent-Replayed"));
        await AssertWalletReconciles(customer.WalletId, 55m, 4);
    }

    [Fact]
    public async Task A_wallet_frozen_since_its_last_payment_refuses_the_next_one_though_the_copy_is_active()
    {
        var (customer, client) = await CustomerWithCopyAsync(10m, "before-freeze");
        await using var other = ApiFactory.StartOnKestrel(Database.ConnectionString);
        // Frozen by an operator through another process: the copy here still says Active.
        await AssertStatus(await ClientOf(other, ApiFactory.AdminKey).SendAsync(
            Post($"/api/v1/wallets/{customer.WalletId}/freeze", new { reason = "Chargeback" })), HttpStatusCode.OK);

        await AssertProblem(await client.SendAsync(Pay(customer.WalletId, 10m, "after-freeze")), HttpStatusCode.UnprocessableEntity,
            "wallet_frozen");

        await AssertWalletReconciles(customer.WalletId, 90m, 2);
    }

    [Fact]
    public async Task A_top_up_in_this_process_drops_its_copy_so_the_next_payment_reads_the_row_at_once()
    {
        var (customer, client) = await CustomerWithCopyAsync(95m, "spend"); // copy: 5
        await TopUpAsync(customer.WalletId, 100m);

        var (response, sent) = await DatabaseCommandTrace.SendAsync(client, Pay(customer.WalletId, 50m, "after-top-up"));

        await AssertStatus(response, HttpStatusCode.Created);
        // No attempt from a copy: the key's lookup with the wallet's lock, then the batch.
        Assert.True(sent.Length == 2, DatabaseCommandTrace.Describe(sent));
        Assert.StartsWith("SELECT pg_current_xact_id()::text", sent[0]);
        await AssertWalletReconciles(customer.WalletId, 55m, 4);
    }

    [Fact]
    public async Task A_key_sent_again_on_a_wallet_with_a_copy_is_replayed_and_debits_once()
    {
        var (customer, client) = await CustomerWithCopyAsync(10m, "first");
        var original = await client.SendAsync(Pay(customer.WalletId, 20m, "twice"));
        await AssertStatus(original, HttpStatusCode.Created);

        // From the copy the key is written without a lookup; its unique index refuses it, and the command runs again.
        var replay = await client.SendAsync(Pay(customer.WalletId, 20m, "twice"));

        await AssertStatus(replay, HttpStatusCode.Created);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await original.Content.ReadAsStringAsync(), await replay.Content.ReadAsStringAsync());
        await AssertWalletReconciles(customer.WalletId, 70m, 3);
        // The same key for another request is still a conflict, not a payment.
        await AssertProblem(await client.SendAsync(Pay(customer.WalletId, 21m, "twice")), HttpStatusCode.UnprocessableEntity,
            "idempotency_key_reused");
        await AssertStatus(await client.SendAsync(Pay(customer.WalletId, 30m, "third")), HttpStatusCode.Created);
        await AssertWalletReconciles(customer.WalletId, 40m, 4);
    }

    [Fact]
    public async Task A_payment_from_a_copy_whose_commit_answer_is_lost_is_answered_from_its_key_and_debits_once()
    {
        var (customer, client) = await CustomerWithCopyAsync(10m, "warm");
        _faults.Remaining = 1; // the server commits; the answer is lost

        var response = await client.SendAsync(Pay(customer.WalletId, 25m, "lost-answer"));

        await AssertStatus(response, HttpStatusCode.Created);
        Assert.Equal(1, _faults.Fired);
        var id = Guid.Parse((string)(await ReadJson(response))["id"]!);
        Assert.Equal(1L, await Database.CountAsync("payments", "id = $1 AND amount = 25", id));
        Assert.Equal(2L, await Database.CountAsync("payments", "method = 'Wallet' AND wallet_id = $1", customer.WalletId));
        await AssertWalletReconciles(customer.WalletId, 65m, 3);
    }

    [Fact]
    public async Task A_payment_from_a_copy_whose_commit_never_reached_the_server_runs_again_and_debits_once()
    {
        var (customer, client) = await CustomerWithCopyAsync(10m, "warm");
        _faults.AfterCommit = false;
        _faults.Remaining = 1;

        var response = await client.SendAsync(Pay(customer.WalletId, 25m, "never-sent"));

        await AssertStatus(response, HttpStatusCode.Created);
        Assert.Equal(1, _faults.Fired);
        Assert.False(response.Headers.Contains("Idempotent-Replayed"));
        await AssertWalletReconciles(customer.WalletId, 65m, 3);
    }

    private static HttpRequestMessage PlaceHold(Guid walletId, decimal amount, string key) =>
        Post($"/api/v1/wallets/{walletId}/holds", new { amount, description = $"Hold {amount}" }, key);

    private async Task AssertHeld(Guid walletId, decimal held) =>
        Assert.Equal(held, await Database.ScalarAsync<decimal>("SELECT held FROM wallets WHERE id = $1", walletId));

    [Fact]
    public async Task An_admins_hold_from_a_copy_is_audited_and_leaves_a_copy_the_next_payment_starts_from()
    {
        var (customer, client) = await CustomerWithCopyAsync(10m, "warm"); // copy: 90

        // An admin's hold also writes a tracked audit entry: the batch (guarded UPDATE first), then EF Core's SaveChanges with
        // the audit entry and the key, then COMMIT.
        var (placed, sentForHold) = await DatabaseCommandTrace.SendAsync(AdminClient(), PlaceHold(customer.WalletId, 30m, "admin-hold"));

        await AssertStatus(placed, HttpStatusCode.Created);
        Assert.True(sentForHold.Length >= 2, DatabaseCommandTrace.Describe(sentForHold));
        Assert.StartsWith("WITH written AS (UPDATE wallets", sentForHold[0]);
        Assert.Contains("IS NOT DISTINCT FROM", sentForHold[0]);
        Assert.Contains(sentForHold, command => command.Contains("INSERT INTO audit_log", StringComparison.Ordinal));
        var holdId = Guid.Parse((string)(await ReadJson(placed))["id"]!);
        Assert.Equal(1L, await Database.CountAsync("audit_log", "action = 'hold.place' AND target_id = $1 AND amount = 30.00", holdId));
        await AssertHeld(customer.WalletId, 30m);

        // That commit kept the copy: the next payment is one batch from it, and is decided on what the hold left available.
        var (paid, sentForPayment) = await DatabaseCommandTrace.SendAsync(client, Pay(customer.WalletId, 60m, "after-hold"));
        await AssertStatus(paid, HttpStatusCode.Created);
        Assert.True(sentForPayment.Length == 1, DatabaseCommandTrace.Describe(sentForPayment));
        Assert.StartsWith("WITH written AS (UPDATE wallets", sentForPayment[0]);
        await AssertProblem(await client.SendAsync(Pay(customer.WalletId, 1m, "over-hold")), HttpStatusCode.UnprocessableEntity,
            "insufficient_funds");
        await AssertHeld(customer.WalletId, 30m);
        await AssertWalletReconciles(customer.WalletId, 30m, 3);
    }

    [Fact]
    public async Task An_admins_hold_from_an_out_of_date_copy_runs_again_on_the_row_and_is_placed_and_audited_once()
    {
        var (customer, client) = await CustomerWithCopyAsync(10m, "here"); // copy: 90
        await using var other = ApiFactory.StartOnKestrel(Database.ConnectionString);
        await AssertStatus(await ClientOf(other, customer.ApiKey).SendAsync(Pay(customer.WalletId, 50m, "there")),
            HttpStatusCode.Created); // row: 40

        // The copy would allow 60; the row has 40 available. The attempt from the copy (guarded UPDATE first) is refused by
        // its guard, and the command runs again from the row under its lock.
        var (refused, sent) = await DatabaseCommandTrace.SendAsync(AdminClient(), PlaceHold(customer.WalletId, 60m, "too-much"));
        await AssertProblem(refused, HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        Assert.True(sent.Length >= 2, DatabaseCommandTrace.Describe(sent));
        Assert.StartsWith("WITH written AS (UPDATE wallets", sent[0]);
        Assert.Contains(sent, command => command.EndsWith("FOR UPDATE", StringComparison.Ordinal));
        var placed = await AdminClient().SendAsync(PlaceHold(customer.WalletId, 40m, "all-of-it"));

        await AssertStatus(placed, HttpStatusCode.Created);
        Assert.Equal(1L, await Database.CountAsync("holds", "wallet_id = $1", customer.WalletId));
        Assert.Equal(1L, await Database.CountAsync("audit_log", "action = 'hold.place' AND amount = 40.00"));
        Assert.Equal(0L, await Database.CountAsync("audit_log", "action = 'hold.place' AND amount = 60.00"));
        await AssertHeld(customer.WalletId, 40m);
        await AssertWalletReconciles(customer.WalletId, 40m, 3);
    }

    [Fact]
    public async Task A_process_keeps_at_most_its_capacity_of_copies_then_drops_them_all_and_each_wallet_reads_its_row_again()
    {
        await using var small = ApiFactory.StartOnKestrel(Database.ConnectionString,
            settings: new Dictionary<string, string?> { ["Transactions:WalletSnapshotCapacity"] = "2" });
        var customers = new List<TestCustomer>();
        for (var i = 0; i < 3; i++)
        {
            var customer = await CreateCustomerAsync(name: $"Capacity {i}");
            await TopUpAsync(customer.WalletId, 100m);
            customers.Add(customer);
        }
        async Task<string[]> PayAsync(TestCustomer customer, string key)
        {
            using var client = ClientOf(small, customer.ApiKey);
            var (response, sent) = await DatabaseCommandTrace.SendAsync(client, Pay(customer.WalletId, 1m, key));
            await AssertStatus(response, HttpStatusCode.Created);
            return sent;
        }
        static bool FromCopy(string[] sent) => sent.Length == 1 && sent[0].StartsWith("WITH written AS (UPDATE wallets", StringComparison.Ordinal);

        // Wallets 0 and 1 fill the two places; wallet 0 is paid from its copy.
        Assert.False(FromCopy(await PayAsync(customers[0], "a0")));
        Assert.False(FromCopy(await PayAsync(customers[1], "a1")));
        Assert.True(FromCopy(await PayAsync(customers[0], "b0")));
        // Wallet 2's copy does not fit: both others are dropped.
        Assert.False(FromCopy(await PayAsync(customers[2], "a2")));
        Assert.False(FromCopy(await PayAsync(customers[1], "b1")));
        Assert.True(FromCopy(await PayAsync(customers[2], "b2")));
        foreach (var customer in customers)
            await AssertWalletReconciles(customer.WalletId, 98m, 3);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    public void A_capacity_below_one_stops_the_api_from_starting(string capacity)
    {
        var ex = Assert.ThrowsAny<Exception>(() => ApiFactory.StartOnKestrel(Database.ConnectionString,
            settings: new Dictionary<string, string?> { ["Transactions:WalletSnapshotCapacity"] = capacity }).Dispose());

        Assert.Contains("Transactions:WalletSnapshotCapacity", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parallel_payments_on_one_wallet_through_two_processes_with_copies_spend_exactly_what_is_there()
    {
        // Both processes hold a copy, each out of date as soon as the other pays.
        var (customer, here) = await CustomerWithCopyAsync(1m, "here-warm");
        await using var other = ApiFactory.StartOnKestrel(Database.ConnectionString);
        using var there = ClientOf(other, customer.ApiKey);
        await AssertStatus(await there.SendAsync(Pay(customer.WalletId, 1m, "there-warm")), HttpStatusCode.Created);

        // 98 left; 30 payments of 4 (120) in parallel, half through each process: 24 can be paid, 6 cannot.
        var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            (i % 2 == 0 ? here : there).SendAsync(Pay(customer.WalletId, 4m, $"parallel-{i}"))));

        var paid = responses.Count(r => r.StatusCode == HttpStatusCode.Created);
        var refused = responses.Count(r => r.StatusCode == HttpStatusCode.UnprocessableEntity);
        Assert.True(paid + refused == 30, string.Join(", ", responses.Select(r => (int)r.StatusCode)));
        Assert.Equal(24, paid);
        await AssertWalletReconciles(customer.WalletId, 2m, 3 + 24);
        Assert.Equal(26L, await Database.CountAsync("payments", "method = 'Wallet' AND wallet_id = $1", customer.WalletId));
    }
}
