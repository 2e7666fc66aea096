using CleanWallet.Application.Common;
using MediatR;
using Microsoft.Extensions.Logging;

namespace CleanWallet.Application.Integrity.Commands.RunIntegrityCheck;

/// <summary>
/// Verifies every wallet's ledger and the records that caused its movements, and stores the report. A plain request,
/// not a command: the checks read one snapshot and repair nothing, and only the report row is written.
/// </summary>
public sealed record RunIntegrityCheckCommand(IntegrityTrigger Trigger) : IRequest<IntegrityReportDto>;

public sealed class RunIntegrityCheckHandler(IIntegrityStore store, TimeProvider clock, ILogger<RunIntegrityCheckHandler> logger)
    : IRequestHandler<RunIntegrityCheckCommand, IntegrityReportDto>
{
    /// <summary>Issues kept with a report; a badly broken database is summed up by the count, not by a huge row.</summary>
    public const int MaxStoredIssues = 1000;

    public async Task<IntegrityReportDto> Handle(RunIntegrityCheckCommand command, CancellationToken cancellationToken)
    {
        var startedAt = clock.StorableNow();
        var findings = await store.VerifyAsync(MaxStoredIssues, cancellationToken);
        var report = new IntegrityReportDto(Guid.CreateVersion7(startedAt), command.Trigger.ToString(), startedAt, clock.StorableNow(),
            findings.WalletsChecked, findings.EntriesChecked, findings.PaymentsChecked, findings.IssueCount, findings.Issues);
        await store.AddReportAsync(report, cancellationToken);

        if (report.IssueCount > 0)
            logger.LogError("Integrity check {ReportId} found {IssueCount} issue(s) in {WalletsChecked} wallets: {IssueKinds}",
                report.Id, report.IssueCount, report.WalletsChecked,
                string.Join(", ", findings.IssueCountsByKind.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key} {k.Value}")));
        else
            logger.LogInformation("Integrity check {ReportId}: {WalletsChecked} wallets, {EntriesChecked} entries, {PaymentsChecked} payments, no issues",
                report.Id, report.WalletsChecked, report.EntriesChecked, report.PaymentsChecked);
        return report;
    }
}
