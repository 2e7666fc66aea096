namespace CleanWallet.Application.Integrity;

/// <summary>
/// The outcome of one integrity check. <see cref="Issues"/> holds at most the first
/// <see cref="Commands.RunIntegrityCheck.RunIntegrityCheckHandler.MaxStoredIssues"/> issues; <see cref="IssueCount"/> is the
/// full number. <see cref="PaymentsChecked"/> counts the payments linked to a wallet (wallet payments and card top-ups),
/// the ones whose ledger entry is verified. <see cref="Mode"/> is <c>Full</c> or <c>Incremental</c>
/// (<see cref="IntegrityCheckMode"/>); an incremental check's <see cref="EntriesChecked"/> counts the entries it walked
/// (those past the wallets' checkpoints).
/// </summary>
public sealed record IntegrityReportDto(
    Guid Id,
    string Trigger,
    string Mode,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    long WalletsChecked,
    long EntriesChecked,
    long PaymentsChecked,
    long IssueCount,
    IReadOnlyList<IntegrityIssueDto> Issues);
