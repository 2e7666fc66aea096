using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace CleanWallet.Infrastructure.Persistence;

/// <summary>
/// After the database restarts, every idle pooled connection is dead, and Npgsql finds out only when one is used: each
/// would fail one more request. The first failure that shows the database was unavailable empties the pools instead
/// (busy connections are closed when they come back), so requests after the restart get fresh connections. EF Core's
/// commands reach it as an interceptor; the hand-written commands on the same connections call <see cref="Sweep"/>.
/// </summary>
internal sealed class DeadConnectionSweeper(params NpgsqlDataSource[] dataSources) : DbCommandInterceptor, IDbConnectionInterceptor, IDbTransactionInterceptor
{
    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Sweep(eventData.Exception);

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Sweep(eventData.Exception);
        return Task.CompletedTask;
    }

    public void ConnectionFailed(DbConnection connection, ConnectionErrorEventData eventData) => Sweep(eventData.Exception);

    public Task ConnectionFailedAsync(DbConnection connection, ConnectionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Sweep(eventData.Exception);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Sweep(eventData.Exception);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Sweep(eventData.Exception);
        return Task.CompletedTask;
    }

    public void Sweep(Exception exception)
    {
        if (!DatabaseFailures.IsUnavailable(exception))
            return;
        foreach (var dataSource in dataSources)
            dataSource.Clear();
    }
}
