using CleanWallet.Api.Tests.Infrastructure;
using Npgsql;

namespace CleanWallet.Api.Tests.Billing;

/// <summary>
/// Holds a wallet's row lock in its own transaction, as a concurrent request would, so a test can make another writer
/// wait for it, move the clock, and then write an entry of its own and commit.
/// </summary>
public sealed class WalletLockHolder : IAsyncDisposable
{
    private const string LockQuery = "SELECT 1 FROM wallets WHERE id = $1 FOR UPDATE";

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly Guid _walletId;

    private WalletLockHolder(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid walletId)
    {
        _connection = connection;
        _transaction = transaction;
        _walletId = walletId;
    }

    public static async Task<WalletLockHolder> LockAsync(TestDatabase database, Guid walletId)
    {
        var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        var holder = new WalletLockHolder(connection, transaction, walletId);
        await holder.ExecuteAsync(LockQuery, walletId);
        return holder;
    }

    /// <summary>Returns once some session waits for a wallet lock holder (the writer the test started after taking this one).</summary>
    public static async Task WaitForAWaiterAsync(TestDatabase database)
    {
        for (var i = 0; i < 300; i++)
        {
            // A session blocked by a wallet lock holder, not any lock wait: Hangfire's servers wait on locks of their own.
            if (await database.ScalarAsync<long>($"""
                    SELECT count(*) FROM pg_stat_activity waiter
                    WHERE waiter.wait_event_type = 'Lock'
                      AND EXISTS (SELECT 1 FROM pg_stat_activity holder
                                  WHERE holder.pid = ANY (pg_blocking_pids(waiter.pid)) AND holder.query = '{LockQuery}')
                    """) > 0)
                return;
            await Task.Delay(50);
        }
        Assert.Fail("Nothing ever waited for the wallet lock.");
    }

    /// <summary>Writes an adjustment credit of 1.00 stamped <paramref name="at"/> (the next sequence) and commits.</summary>
    public async Task WriteEntryAndCommitAsync(DateTimeOffset at)
    {
        await ExecuteAsync("""
            WITH e AS (
                INSERT INTO ledger_entries (id, wallet_id, sequence, type, direction, amount, balance_before, balance_after,
                                            reference_type, reference_id, description, actor, created_at)
                SELECT gen_random_uuid(), w.id, w.last_sequence + 1, 'AdjustmentCredit', 'Credit', 1.00, w.balance, w.balance + 1.00,
                       'adjustment', gen_random_uuid(), 'Written while another writer waits', 'test', $2
                FROM wallets w WHERE w.id = $1
                RETURNING wallet_id
            )
            UPDATE wallets SET balance = balance + 1.00, last_sequence = last_sequence + 1 WHERE id IN (SELECT wallet_id FROM e)
            """, _walletId, at);
        await _transaction.CommitAsync();
    }

    /// <summary>How many of the wallet's entries bear an earlier time than the entry before them in sequence (should be none).</summary>
    public static Task<long> EntriesOutOfTimeOrderAsync(TestDatabase database, Guid walletId) => database.ScalarAsync<long>("""
        SELECT count(*) FROM (
            SELECT created_at < lag(created_at) OVER (ORDER BY sequence) AS earlier FROM ledger_entries WHERE wallet_id = $1
        ) e WHERE earlier
        """, walletId);

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private async Task ExecuteAsync(string sql, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, _connection, _transaction);
        foreach (var parameter in parameters)
            command.Parameters.AddWithValue(parameter);
        await command.ExecuteNonQueryAsync();
    }
}
