using System.Text.Json.Serialization;
using CleanWallet.Application.Integrity.Commands.RunIntegrityCheck;
using MediatR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanWallet.Application.Integrity.Commands.RunScheduledIntegrityCheck;

/// <summary>
/// What the job history keeps of a scheduled check: its mode, the counts and where the full report is. A check skipped
/// because another one was running has no report and no counts (null: nothing was checked, not "no issue"), and says
/// why in <see cref="Skipped"/> (left out of the JSON of a check that ran).
/// </summary>
public sealed record IntegrityCheckSummary(
    Guid? ReportId,
    string Mode,
    long? WalletsChecked,
    long? EntriesChecked,
    long? IssuesFound,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Skipped = null);

/// <summary>The integrity job's work: one check, triggered by the schedule, answered with a summary small enough for the job history.</summary>
public sealed record RunScheduledIntegrityCheckCommand : IRequest<IntegrityCheckSummary>;

/// <summary>
/// Full when no full check has run for <see cref="IntegrityOptions.FullCheckEvery"/> (or ever), else incremental: the
/// hourly job reads only what was appended since the wallets' checkpoints, and the whole ledger once per interval.
/// When another check (one on demand) is still running after <see cref="IntegrityOptions.LockWaitSeconds"/>, this one is
/// skipped, not failed nor retried: the run succeeds with a summary that says so and a warning is logged. Nothing is
/// lost: the running check verifies everything up to its own snapshot, and the next scheduled check starts from the
/// checkpoints (and is full if this one was due to be, as no full check was recorded).
/// </summary>
public sealed class RunScheduledIntegrityCheckHandler(
    IMediator mediator,
    IIntegrityStore store,
    TimeProvider clock,
    IOptions<IntegrityOptions> options,
    ILogger<RunScheduledIntegrityCheckHandler> logger)
    : IRequestHandler<RunScheduledIntegrityCheckCommand, IntegrityCheckSummary>
{
    public async Task<IntegrityCheckSummary> Handle(RunScheduledIntegrityCheckCommand command, CancellationToken cancellationToken)
    {
        var lastFull = await store.FindLastFullCheckStartAsync(cancellationToken);
        var mode = lastFull is { } at && clock.GetUtcNow() - at < options.Value.FullCheckEvery
            ? IntegrityCheckMode.Incremental
            : IntegrityCheckMode.Full;
        try
        {
            var report = await mediator.Send(new RunIntegrityCheckCommand(IntegrityTrigger.Schedule, mode), cancellationToken);
            return new IntegrityCheckSummary(report.Id, report.Mode, report.WalletsChecked, report.EntriesChecked, report.IssueCount);
        }
        catch (IntegrityCheckRunningException running)
        {
            logger.LogWarning("Scheduled integrity check ({Mode}) skipped: another integrity check was still running after {WaitSeconds} s; " +
                              "the next scheduled check covers what this one would have", mode.ToString().ToLowerInvariant(),
                running.Waited.TotalSeconds);
            return new IntegrityCheckSummary(null, mode.ToString(), null, null, null,
                "Another integrity check was running; the next scheduled check covers what this one would have checked.");
        }
    }
}
