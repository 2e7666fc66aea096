using CleanWallet.Application.Integrity.Commands.RunIntegrityCheck;
using MediatR;

namespace CleanWallet.Application.Integrity.Commands.RunScheduledIntegrityCheck;

/// <summary>What the job history keeps of a scheduled check: the counts and where the full report is.</summary>
public sealed record IntegrityCheckSummary(Guid ReportId, long WalletsChecked, long EntriesChecked, long IssuesFound);

/// <summary>The integrity job's work: one check, triggered by the schedule, answered with a summary small enough for the job history.</summary>
public sealed record RunScheduledIntegrityCheckCommand : IRequest<IntegrityCheckSummary>;

public sealed class RunScheduledIntegrityCheckHandler(IMediator mediator) : IRequestHandler<RunScheduledIntegrityCheckCommand, IntegrityCheckSummary>
{
    public async Task<IntegrityCheckSummary> Handle(RunScheduledIntegrityCheckCommand command, CancellationToken cancellationToken)
    {
        var report = await mediator.Send(new RunIntegrityCheckCommand(IntegrityTrigger.Schedule), cancellationToken);
        return new IntegrityCheckSummary(report.Id, report.WalletsChecked, report.EntriesChecked, report.IssueCount);
    }
}
