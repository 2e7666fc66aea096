using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CleanWallet.Api.Tests.Payments;

/// <summary>
/// Makes the commit of the next transaction that ran a matching statement fail, once: before the server commits
/// (<see cref="FailNextCommitOf"/> with <c>afterCommit: false</c>, nothing of it is kept) or after it did (an ambiguous
/// commit: the work is kept but the application is told it failed). The exception is not a transient database failure,
/// so the command is not re-run: the request ends as if the process had died there. Register both interceptors.
/// </summary>
public sealed class CommitFault
{
    private readonly ConcurrentDictionary<DbTransaction, bool> _marked = new();
    private Regex? _statement;
    private bool _afterCommit;

    public int Failures { get; private set; }

    public IEnumerable<IInterceptor> Interceptors => [new StatementWatcher(this), new CommitBreaker(this)];

    public void FailNextCommitOf(string statementPattern, bool afterCommit = false)
    {
        _afterCommit = afterCommit;
        _statement = new Regex(statementPattern, RegexOptions.IgnoreCase);
    }

    private void Saw(DbCommand command)
    {
        if (_statement is { } statement && command.Transaction is { } transaction && statement.IsMatch(command.CommandText))
            _marked[transaction] = true;
    }

    private void AtCommit(DbTransaction transaction, bool committed)
    {
        if (committed != _afterCommit || !_marked.TryRemove(transaction, out _) || _statement is null)
            return;
        _statement = null;
        _marked.Clear();
        Failures++;
        throw new SimulatedCrashException(committed ? "The commit went through but its answer was lost." : "The commit failed.");
    }

    private sealed class StatementWatcher(CommitFault fault) : DbCommandInterceptor
    {
        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            fault.Saw(command);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            fault.Saw(command);
            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }
    }

    private sealed class CommitBreaker(CommitFault fault) : DbTransactionInterceptor
    {
        public override ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData,
            InterceptionResult result, CancellationToken cancellationToken = default)
        {
            fault.AtCommit(transaction, committed: false);
            return base.TransactionCommittingAsync(transaction, eventData, result, cancellationToken);
        }

        public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData,
            CancellationToken cancellationToken = default)
        {
            fault.AtCommit(transaction, committed: true);
            return base.TransactionCommittedAsync(transaction, eventData, cancellationToken);
        }
    }
}
