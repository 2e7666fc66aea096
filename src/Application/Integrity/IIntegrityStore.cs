namespace CleanWallet.Application.Integrity;

/// <summary>What a verification of the whole ledger found.</summary>
/// <param name="Issues">The first issues found, at most as many as asked for.</param>
/// <param name="IssueCount">Every issue found, also those not kept.</param>
/// <param name="IssueCountsByKind">The full count of each kind found.</param>
public sealed record IntegrityFindings(
    long WalletsChecked,
    long EntriesChecked,
    long PaymentsChecked,
    long IssueCount,
    IReadOnlyList<IntegrityIssueDto> Issues,
    IReadOnlyDictionary<string, long> IssueCountsByKind);

/// <summary>
/// Verifies the money records and keeps the reports. Verification only reads: it reports broken rules, it never repairs.
/// </summary>
public interface IIntegrityStore
{
    /// <summary>
    /// Checks every wallet, ledger entry, payment and the records entries reference, as one consistent snapshot taken
    /// while payments keep flowing. Keeps the first <paramref name="maxIssues"/> issues and counts them all.
    /// </summary>
    Task<IntegrityFindings> VerifyAsync(int maxIssues, CancellationToken ct);

    Task AddReportAsync(IntegrityReportDto report, CancellationToken ct);

    Task<IntegrityReportDto?> FindReportAsync(Guid id, CancellationToken ct);

    /// <summary>The report of the check that finished last, or null before the first check.</summary>
    Task<IntegrityReportDto?> FindLatestReportAsync(CancellationToken ct);
}
