using System.Data.Common;
using System.Net;
using CleanWallet.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CleanWallet.Api.Tests.Pipeline;

/// <summary>
/// Runs the housekeeping job's removal of expired keys, committed on a connection of its own, at the worst instant:
/// right after a replay's claim found its key taken and before it reads the stored response.
/// </summary>
internal sealed class ExpireKeysAfterAFailedClaim(string connectionString) : DbCommandInterceptor
{
    public volatile bool Armed;
    public int Fired;

    // The claim found the key taken (it returned no row) and the store is about to read the stored response.
    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (Armed && command.CommandText.Contains("FROM idempotency_keys WHERE owner", StringComparison.Ordinal))
        {
            Armed = false;
            Interlocked.Increment(ref Fired);
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var expire = new NpgsqlCommand("DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'", connection);
            await expire.ExecuteNonQueryAsync(cancellationToken);
        }
        return result;
    }
}

/// <summary>
/// Keys live at least their retention (24 hours); after that the housekeeping job removes them. A replay that races the
/// removal is answered deterministically: if it reads the key before the removal commits it is replayed, once the key
/// is gone it is a new request (an expired key is forgotten). Never a 500. Both ways of claiming a key are raced: a
/// refund claims its key first, on its own (it may call the card gateway); a wallet payment looks its key up with the
/// wallet's lock and claims it at commit.
/// </summary>
public sealed class IdempotencyExpiryRaceTests(TestDatabase database) : ApiTestBase(database)
{
    private ExpireKeysAfterAFailedClaim _expiry = null!;

    protected override ApiFactory CreateFactory()
    {
        _expiry = new ExpireKeysAfterAFailedClaim(Database.ConnectionString);
        return ApiFactory.StartOnKestrel(Database.ConnectionString, services => services.AddSingleton<IInterceptor>(_expiry));
    }

    [Fact]
    public async Task A_replay_whose_expired_key_is_removed_between_claim_and_read_is_a_new_request_not_a_500()
    {
        var (customer, paymentId, firstId) = await RefundWithAnExpiredKeyAsync();
        _expiry.Armed = true;

        var replay = await RefundReplay(paymentId);

        await AssertStatus(replay, HttpStatusCode.Created);
        Assert.Equal(1, _expiry.Fired);
        Assert.False(replay.Headers.Contains("Idempotent-Replayed"));
        Assert.NotEqual(firstId, (string)(await ReadJson(replay))["id"]!);
        Assert.Equal(2L, await Database.CountAsync("refunds"));
        Assert.Equal(70m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
        // The key now belongs to the new request, with a fresh retention.
        Assert.Equal(1L, await Database.CountAsync("idempotency_keys", "key = 'expiring' AND created_at > now() - interval '1 hour'"));
    }

    [Fact]
    public async Task A_replay_waiting_on_the_committed_removal_of_its_expired_key_is_a_new_request()
    {
        var (customer, paymentId, firstId) = await RefundWithAnExpiredKeyAsync();

        var replay = await WhileTheRemovalIsUncommittedAsync(() => RefundReplay(paymentId), commitRemoval: true, mustWait: true);

        await AssertStatus(replay, HttpStatusCode.Created);
        Assert.False(replay.Headers.Contains("Idempotent-Replayed"));
        Assert.NotEqual(firstId, (string)(await ReadJson(replay))["id"]!);
        Assert.Equal(70m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Fact]
    public async Task A_replay_waiting_on_a_removal_that_rolls_back_is_replayed()
    {
        var (customer, paymentId, firstId) = await RefundWithAnExpiredKeyAsync();

        var replay = await WhileTheRemovalIsUncommittedAsync(() => RefundReplay(paymentId), commitRemoval: false, mustWait: true);

        await AssertStatus(replay, HttpStatusCode.Created);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(firstId, (string)(await ReadJson(replay))["id"]!);
        Assert.Equal(60m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_payment_replay_that_reads_its_key_before_the_removal_commits_is_replayed_at_once(bool removalCommits)
    {
        var (customer, firstId) = await PayWithAnExpiredKeyAsync();

        // The key claimed at commit is only looked up (a read): the replay sees the key as it was before the uncommitted
        // removal, and does not wait for the removal to end.
        var replay = await WhileTheRemovalIsUncommittedAsync(() => PaymentReplay(customer), removalCommits, mustWait: false);

        await AssertStatus(replay, HttpStatusCode.Created);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(firstId, (string)(await ReadJson(replay))["id"]!);
        Assert.Equal(1L, await Database.CountAsync("payments", "method = 'Wallet'"));
        Assert.Equal(100m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Fact]
    public async Task A_payment_replay_after_the_removal_of_its_expired_key_is_a_new_request_that_claims_the_key_afresh()
    {
        var (customer, firstId) = await PayWithAnExpiredKeyAsync();
        await Database.ScalarAsync<long>(
            "WITH gone AS (DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours' RETURNING 1) SELECT count(*) FROM gone");

        var replay = await PaymentReplay(customer);

        await AssertStatus(replay, HttpStatusCode.Created);
        Assert.False(replay.Headers.Contains("Idempotent-Replayed"));
        Assert.NotEqual(firstId, (string)(await ReadJson(replay))["id"]!);
        Assert.Equal(2L, await Database.CountAsync("payments", "method = 'Wallet'"));
        Assert.Equal(90m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
        Assert.Equal(1L, await Database.CountAsync("idempotency_keys", "key = 'expiring' AND created_at > now() - interval '1 hour'"));
    }

    /// <summary>A refund of 10 (of a 50 payment from a wallet of 100) under the key 'expiring', whose key is then aged past its retention.</summary>
    private async Task<(TestCustomer Customer, Guid PaymentId, string RefundId)> RefundWithAnExpiredKeyAsync()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var payment = await Client(customer.ApiKey).SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 50m, description = "Order to refund" }));
        await AssertStatus(payment, HttpStatusCode.Created);
        var paymentId = Guid.Parse((string)(await ReadJson(payment))["id"]!);
        var first = await RefundReplay(paymentId);
        await AssertStatus(first, HttpStatusCode.Created);
        await AgeTheKeyAsync();
        return (customer, paymentId, (string)(await ReadJson(first))["id"]!);
    }

    private async Task<(TestCustomer Customer, string PaymentId)> PayWithAnExpiredKeyAsync()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var first = await PaymentReplay(customer);
        await AssertStatus(first, HttpStatusCode.Created);
        await AgeTheKeyAsync();
        // A card top-up after it: the API keeps no copy of the wallet (Transactions:WalletSnapshots), so the replay reads
        // the wallet under its lock and looks its key up, a read, which is the path these tests are about.
        await TopUpAsync(customer.WalletId, 10m);
        return (customer, (string)(await ReadJson(first))["id"]!);
    }

    private Task AgeTheKeyAsync() => Database.ScalarAsync<long>(
        "WITH aged AS (UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'expiring' RETURNING 1) SELECT count(*) FROM aged");

    private Task<HttpResponseMessage> RefundReplay(Guid paymentId) =>
        AdminClient().SendAsync(Post($"/api/v1/payments/{paymentId}/refunds", new { amount = 10m, reason = "Expiring key" }, "expiring"));

    private Task<HttpResponseMessage> PaymentReplay(TestCustomer customer) =>
        Client(customer.ApiKey).SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 10m, description = "Expiring key" }, "expiring"));

    /// <summary>
    /// The housekeeping job has deleted the key but not committed yet when the request is sent; the removal commits or
    /// rolls back half a second later. <paramref name="mustWait"/>: the request must still be waiting for it then.
    /// </summary>
    private async Task<HttpResponseMessage> WhileTheRemovalIsUncommittedAsync(Func<Task<HttpResponseMessage>> send, bool commitRemoval,
        bool mustWait)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var removal = await connection.BeginTransactionAsync();
        await using (var delete = new NpgsqlCommand("DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'", connection, removal))
            Assert.Equal(1, await delete.ExecuteNonQueryAsync());

        var request = send();
        await Task.Delay(500);
        Assert.True(request.IsCompleted != mustWait,
            mustWait ? "the request did not wait for the removal to end" : "the request waited for the removal to end");
        if (commitRemoval)
            await removal.CommitAsync();
        else
            await removal.RollbackAsync();
        return await request;
    }
}
