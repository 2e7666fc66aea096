using CleanWallet.Application.Common;
using MediatR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanWallet.Application.Integrity.Commands.RunIntegrityCheck;

/// <summary>
/// Verifies every wallet's ledger and the records that caused its movements, and stores the report. A plain request,
/// not a command: the checks read one snapshot and repair nothing; only the report and the wallets' checkpoints
/// (bookkeeping of the check itself, see <see cref="IntegrityCheckMode.Incremental"/>) are written. Full unless asked.
/// One check at a time: while another runs this one waits <see cref="IntegrityOptions.LockWaitSeconds"/> at most, then
/// fails with <see cref="IntegrityCheckRunningException"/> (409 <c>integrity_check_running</c>), having written nothing.
/// </summary>
public sealed record RunIntegrityCheckCommand(IntegrityTrigger Trigger, IntegrityCheckMode Mode = IntegrityCheckMode.Full)
    : IRequest<IntegrityReportDto>;

public sealed class RunIntegrityCheckHandler(IIntegrityStore store, TimeProvider clock, IOptions<IntegrityOptions> options,
    ILogger<RunIntegrityCheckHandler> logger)
    : IRequestHandler<RunIntegrityCheckCommand, IntegrityReportDto>
{
    /// <summary>Issues kept with a report; a badly broken database is summed up by the count, not by a huge row.</summary>
    public const int MaxStoredIssues = 1000;

    public async Task<IntegrityReportDto> Handle(RunIntegrityCheckCommand command, CancellationToken cancellationToken)
    {
        // Throws IntegrityCheckRunningException, before anything is read or written, when another check keeps running.
        // Held until the report is stored, so reports are stored in the order their checks ran.
        await using var check = await store.BeginCheckAsync(options.Value.LockWait, cancellationToken);
        // Stamped once the lock is held: the report's start (its id, the checkpoints' time) is the check's, not the wait's.
        var startedAt = clock.StorableNow();
        var id = Guid.CreateVersion7(startedAt);
        var findings = await check.VerifyAsync(command.Mode, id, startedAt, MaxStoredIssues, cancellationToken);
        var report = new IntegrityReportDto(id, command.Trigger.ToString(), command.Mode.ToString(), startedAt, clock.StorableNow(),
            findings.WalletsChecked, findings.EntriesChecked, findings.PaymentsChecked, findings.IssueCount, findings.Issues);
        await store.AddReportAsync(report, cancellationToken);

        if (report.IssueCount > 0)
            logger.LogError("Integrity check {ReportId} found {IssueCount} issue(s) in {WalletsChecked} wallets: {IssueKinds} ({Mode} check)",
                report.Id, report.IssueCount, report.WalletsChecked,
                string.Join(", ", findings.IssueCountsByKind.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key} {k.Value}")),
                report.Mode.ToLowerInvariant());
        else
            logger.LogInformation("Integrity check {ReportId}: {WalletsChecked} wallets, {EntriesChecked} entries, {PaymentsChecked} payments, no issues ({Mode} check)",
                report.Id, report.WalletsChecked, report.EntriesChecked, report.PaymentsChecked, report.Mode.ToLowerInvariant());
        return report;
    }
}
