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
/// is gone it is a new request (an expired key is forgotten). Never a 500.
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
        var (customer, firstId) = await PayWithAnExpiredKeyAsync();
        _expiry.Armed = true;

        var replay = await Replay(customer);

        await AssertStatus(replay, HttpStatusCode.Created);
        Assert.Equal(1, _expiry.Fired);
        Assert.False(replay.Headers.Contains("Idempotent-Replayed"));
        Assert.NotEqual(firstId, (string)(await ReadJson(replay))["id"]!);
        Assert.Equal(2L, await Database.CountAsync("payments", "method = 'Wallet'"));
        Assert.Equal(80m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
        // The key now belongs to the new request, with a fresh retention.
        Assert.Equal(1L, await Database.CountAsync("idempotency_keys", "key = 'expiring' AND created_at > now() - interval '1 hour'"));
    }

    [Fact]
    public async Task A_replay_waiting_on_the_committed_removal_of_its_expired_key_is_a_new_request()
    {
        var (customer, firstId) = await PayWithAnExpiredKeyAsync();

        var replay = await ReplayWhileTheRemovalIsUncommittedAsync(customer, commitRemoval: true);

        await AssertStatus(replay, HttpStatusCode.Created);
        Assert.False(replay.Headers.Contains("Idempotent-Replayed"));
        Assert.NotEqual(firstId, (string)(await ReadJson(replay))["id"]!);
        Assert.Equal(80m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    [Fact]
    public async Task A_replay_waiting_on_a_removal_that_rolls_back_is_replayed()
    {
        var (customer, firstId) = await PayWithAnExpiredKeyAsync();

        var replay = await ReplayWhileTheRemovalIsUncommittedAsync(customer, commitRemoval: false);

        await AssertStatus(replay, HttpStatusCode.Created);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(firstId, (string)(await ReadJson(replay))["id"]!);
        Assert.Equal(90m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }

    private async Task<(TestCustomer Customer, string PaymentId)> PayWithAnExpiredKeyAsync()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        var first = await Replay(customer);
        await AssertStatus(first, HttpStatusCode.Created);
        await Database.ScalarAsync<long>(
            "WITH aged AS (UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'expiring' RETURNING 1) SELECT count(*) FROM aged");
        return (customer, (string)(await ReadJson(first))["id"]!);
    }

    private Task<HttpResponseMessage> Replay(TestCustomer customer) =>
        Client(customer.ApiKey).SendAsync(Post($"/api/v1/wallets/{customer.WalletId}/payments",
            new { amount = 10m, description = "Expiring key" }, "expiring"));

    /// <summary>The housekeeping job has deleted the key but not committed yet when the replay arrives.</summary>
    private async Task<HttpResponseMessage> ReplayWhileTheRemovalIsUncommittedAsync(TestCustomer customer, bool commitRemoval)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var removal = await connection.BeginTransactionAsync();
        await using (var delete = new NpgsqlCommand("DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'", connection, removal))
            Assert.Equal(1, await delete.ExecuteNonQueryAsync());

        var replay = Replay(customer);
        await Task.Delay(500);
        Assert.False(replay.IsCompleted, "the replay did not wait for the removal to end");
        if (commitRemoval)
            await removal.CommitAsync();
        else
            await removal.RollbackAsync();
        return await replay;
    }
}
