using System.Diagnostics;
using CleanWallet.Application.Common.Behaviours;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CleanWallet.Infrastructure.Persistence;

public enum CommitOutcome
{
    Committed,
    Aborted,
    Unknown,
}

/// <summary>
/// Asks PostgreSQL what became of a transaction whose COMMIT failed (<c>pg_xact_status</c>). It asks on a connection of
/// its own, never pooled: after a lost connection or a restart the pool holds only dead ones. A transaction still
/// "in progress" (the server has not yet noticed our dropped connection) and an unreachable server are asked again
/// until <see cref="TransactionOptions.UnavailableRetrySeconds"/> have passed; after that the outcome is unknown.
/// </summary>
public sealed class CommitOutcomeProbe : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeSpan _patience;
    private readonly ILogger<CommitOutcomeProbe> _logger;

    public CommitOutcomeProbe(string connectionString, IOptions<TransactionOptions> options, ILogger<CommitOutcomeProbe> logger)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 3, CommandTimeout = 5 };
        _dataSource = NpgsqlDataSource.Create(builder);
        _patience = TimeSpan.FromSeconds(options.Value.UnavailableRetrySeconds);
        _logger = logger;
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public async Task<CommitOutcome> StatusAsync(string transactionId)
    {
        var started = Stopwatch.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                await using var command = _dataSource.CreateCommand("SELECT pg_xact_status($1::xid8)");
                command.Parameters.AddWithValue(transactionId);
                var status = await command.ExecuteScalarAsync() as string;
                switch (status)
                {
                    case "committed":
                        return CommitOutcome.Committed;
                    case "aborted":
                        return CommitOutcome.Aborted;
                    case null:
                        return CommitOutcome.Unknown; // too old to be known: cannot happen seconds after the commit
                }
                // "in progress": the server has not yet seen the COMMIT or the end of our connection.
            }
            catch (Exception ex)
            {
                _logger.LogWarning("Could not ask the database about transaction {TransactionId} yet: {Error}",
                    transactionId, ex.GetBaseException().Message);
            }

            if (Stopwatch.GetElapsedTime(started) + delay > _patience)
                return CommitOutcome.Unknown;
            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1000));
        }
    }
}
