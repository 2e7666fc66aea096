using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using CleanWallet.Infrastructure.Persistence;
using Npgsql;

namespace CleanWallet.Api.Tests.Infrastructure;

/// <summary>
/// Makes the next <see cref="Remaining"/> commits throw, either just before COMMIT reaches the server (it never commits)
/// or just after the server committed (the answer is "lost"), optionally running <see cref="OnFault"/> first, e.g. to
/// stop the database. A commit is EF Core's (a transaction interceptor) or the COMMIT that ends the unit of work's
/// hand-written write batch (a payment's): register it as both <see cref="IInterceptor"/> and <see cref="IWriteBatchInterceptor"/>.
/// </summary>
public sealed class CommitFaults : DbTransactionInterceptor, IWriteBatchInterceptor
{
    private int _remaining;
    private int _fired;

    public bool AfterCommit { get; set; } = true;

    /// <summary>What is thrown; by default the I/O error of a connection lost while reading the server's answer.</summary>
    public Func<Exception> Fault { get; set; } = () =>
        new NpgsqlException("Exception while reading from stream", new IOException("Connection reset by peer"));

    public Func<Task>? OnFault { get; set; }

    public int Remaining
    {
        get => Volatile.Read(ref _remaining);
        set => Volatile.Write(ref _remaining, value);
    }

    public int Fired => Volatile.Read(ref _fired);

    public override async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData,
        InterceptionResult result, CancellationToken cancellationToken = default)
    {
        if (!AfterCommit)
            await FireIfArmedAsync();
        return result;
    }

    public override async Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        if (AfterCommit)
            await FireIfArmedAsync();
    }

    public async Task BatchExecutingAsync(NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        if (!AfterCommit && EndsWithCommit(batch))
            await FireIfArmedAsync();
    }

    public async Task BatchExecutedAsync(NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        if (AfterCommit && EndsWithCommit(batch))
            await FireIfArmedAsync();
    }

    private static bool EndsWithCommit(NpgsqlBatch batch) =>
        batch.BatchCommands.Count > 0 && batch.BatchCommands[^1].CommandText == "COMMIT";

    private async Task FireIfArmedAsync()
    {
        if (Interlocked.Decrement(ref _remaining) < 0)
        {
            Interlocked.Increment(ref _remaining);
            return;
        }
        Interlocked.Increment(ref _fired);
        if (OnFault is not null)
            await OnFault();
        throw Fault();
    }
}
