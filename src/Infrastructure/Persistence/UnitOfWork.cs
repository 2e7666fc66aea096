using CleanWallet.Application.Common.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace CleanWallet.Infrastructure.Persistence;

internal sealed class UnitOfWork(WalletDbContext db) : IUnitOfWork
{
    private IDbContextTransaction? _transaction;

    public async Task BeginAsync(CancellationToken ct) =>
        _transaction = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, ct);

    public async Task CommitAsync(CancellationToken ct)
    {
        await db.SaveChangesAsync(ct);
        await _transaction!.CommitAsync(ct);
        await DisposeTransactionAsync();
    }

    public async Task RollbackAsync()
    {
        if (_transaction is null)
            return;
        try
        {
            await _transaction.RollbackAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The connection is already broken; the server has rolled back for us.
        }
        await DisposeTransactionAsync();
    }

    public void DiscardChanges() => db.ChangeTracker.Clear();

    public bool IsTransientFailure(Exception exception) => DatabaseFailures.IsTransient(exception);

    private async Task DisposeTransactionAsync()
    {
        if (_transaction is not null)
            await _transaction.DisposeAsync();
        _transaction = null;
    }
}
