using System.Data.Common;
using System.Net;
using CleanWallet.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore.Diagnostics;
using CleanWallet.Infrastructure.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CleanWallet.Api.Tests.Pipeline;

/// <summary>
/// A fault right after the database has executed a ledger entry's insert, before the commit. For a SaveChanges batch
/// (EF Core's command interceptor) the interceptor throws once the batch ran. The unit of work's hand-written write batch
/// (a payment's writes) bypasses EF Core's interceptors and carries its own COMMIT, so there the fault is a failing
/// statement put into the batch right after the ledger insert: the database runs the insert, then fails, and never
/// reaches the COMMIT. Register it as both interceptors.
/// </summary>
internal sealed class FailAfterLedgerInsert : DbCommandInterceptor, IWriteBatchInterceptor
{
    public volatile bool Armed;
    public int Fired;
    public int FiredOnWriteBatch;

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData,
        DbDataReader result, CancellationToken cancellationToken = default)
    {
        FailIfLedgerInsert(command.CommandText);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        FailIfLedgerInsert(command.CommandText);
        return ValueTask.FromResult(result);
    }

    public Task BatchExecutingAsync(NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        for (var i = 0; i < batch.BatchCommands.Count; i++)
        {
            if (!Armed || !IsLedgerInsert(batch.BatchCommands[i].CommandText))
                continue;
            Armed = false;
            Interlocked.Increment(ref Fired);
            Interlocked.Increment(ref FiredOnWriteBatch);
            batch.BatchCommands.Insert(i + 1,
                new NpgsqlBatchCommand("DO $$ BEGIN RAISE EXCEPTION 'Injected fault after the ledger insert.'; END $$"));
            break;
        }
        return Task.CompletedTask;
    }

    public Task BatchExecutedAsync(NpgsqlBatch batch, CancellationToken cancellationToken) => Task.CompletedTask;

    private static bool IsLedgerInsert(string sql) => sql.Contains("INSERT INTO ledger_entries", StringComparison.Ordinal);

    private void FailIfLedgerInsert(string sql)
    {
        if (Armed && IsLedgerInsert(sql))
        {
            Interlocked.Increment(ref Fired);
            throw new InvalidOperationException("Injected fault after the ledger insert.");
        }
    }
}

public sealed class TransactionTests(TestDatabase database) : ApiTestBase(database)
{
    private readonly FailAfterLedgerInsert _fault = new();

    protected override ApiFactory CreateFactory() =>
        ApiFactory.StartOnKestrel(Database.ConnectionString, services => services
            .AddSingleton<IInterceptor>(_fault)
            .AddSingleton<IWriteBatchInterceptor>(_fault));

    [Fact]
    public async Task A_fault_after_the_ledger_insert_leaves_no_payment_no_entry_and_the_balance_unchanged()
    {
        var customer = await CreateCustomerAsync();
        await TopUpAsync(customer.WalletId, 100m);
        _fault.Armed = true;

        var response = await Client(customer.ApiKey).SendAsync(
            Post($"/api/v1/wallets/{customer.WalletId}/payments", new { amount = 25m, description = "Doomed" }, "doomed-key"));

        await AssertProblem(response, HttpStatusCode.InternalServerError, "internal_error");
        Assert.Equal(1, _fault.Fired);
        // A payment's writes are the hand-written batch: the fault must hit it there, not pass it by.
        Assert.Equal(1, _fault.FiredOnWriteBatch);
        Assert.Equal(1L, await Database.CountAsync("ledger_entries"));
        Assert.Equal(0L, await Database.CountAsync("payments", "method = 'Wallet'"));
        Assert.Equal(0L, await Database.CountAsync("idempotency_keys"));
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT last_sequence FROM wallets WHERE id = $1", customer.WalletId));
        Assert.Equal(100m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);

        // The same request succeeds once the fault is gone: nothing of the failed attempt was kept.
        _fault.Armed = false;
        var retry = await Client(customer.ApiKey).SendAsync(
            Post($"/api/v1/wallets/{customer.WalletId}/payments", new { amount = 25m, description = "Doomed" }, "doomed-key"));
        await AssertStatus(retry, HttpStatusCode.Created);
        Assert.Equal(75m, (decimal)(await GetWalletAsync(customer.WalletId))["balance"]!);
    }
}
