using System.Data.Common;
using System.Net;
using CleanWallet.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace CleanWallet.Api.Tests.Pipeline;

/// <summary>Throws right after the database has executed a batch that inserted a ledger entry.</summary>
internal sealed class FailAfterLedgerInsert : DbCommandInterceptor
{
    public volatile bool Armed;
    public int Fired;

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData,
        DbDataReader result, CancellationToken cancellationToken = default)
    {
        FailIfLedgerInsert(command);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        FailIfLedgerInsert(command);
        return ValueTask.FromResult(result);
    }

    private void FailIfLedgerInsert(DbCommand command)
    {
        if (Armed && command.CommandText.Contains("INSERT INTO ledger_entries", StringComparison.Ordinal))
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
        ApiFactory.StartOnKestrel(Database.ConnectionString, services => services.AddSingleton<IInterceptor>(_fault));

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
