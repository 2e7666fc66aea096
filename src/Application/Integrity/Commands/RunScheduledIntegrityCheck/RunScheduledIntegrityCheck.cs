using CleanWallet.Application.Integrity.Commands.RunIntegrityCheck;
using MediatR;
using Microsoft.Extensions.Options;

namespace CleanWallet.Application.Integrity.Commands.RunScheduledIntegrityCheck;

/// <summary>What the job history keeps of a scheduled check: its mode, the counts and where the full report is.</summary>
public sealed record IntegrityCheckSummary(Guid ReportId, string Mode, long WalletsChecked, long EntriesChecked, long IssuesFound);

/// <summary>The integrity job's work: one check, triggered by the schedule, answered with a summary small enough for the job history.</summary>
public sealed record RunScheduledIntegrityCheckCommand : IRequest<IntegrityCheckSummary>;

/// <summary>
/// Full when no full check has run for <see cref="IntegrityOptions.FullCheckEvery"/> (or ever), else incremental: the
/// hourly job reads only what was appended since the wallets' checkpoints, and the whole ledger once per interval.
/// </summary>
public sealed class RunScheduledIntegrityCheckHandler(IMediator mediator, IIntegrityStore store, TimeProvider clock, IOptions<IntegrityOptions> options)
    : IRequestHandler<RunScheduledIntegrityCheckCommand, IntegrityCheckSummary>
{
    public async Task<IntegrityCheckSummary> Handle(RunScheduledIntegrityCheckCommand command, CancellationToken cancellationToken)
    {
        var lastFull = await store.FindLastFullCheckStartAsync(cancellationToken);
        var mode = lastFull is { } at && clock.GetUtcNow() - at < options.Value.FullCheckEvery
            ? IntegrityCheckMode.Incremental
            : IntegrityCheckMode.Full;
        var report = await mediator.Send(new RunIntegrityCheckCommand(IntegrityTrigger.Schedule, mode), cancellationToken);
        return new IntegrityCheckSummary(report.Id, report.Mode, report.WalletsChecked, report.EntriesChecked, report.IssueCount);
    }
}
