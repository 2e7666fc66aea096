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

/// <summary>A check holding the one-check-at-a-time lock (<see cref="IIntegrityStore.BeginCheckAsync"/>).</summary>
public interface IIntegrityCheck : IAsyncDisposable
{
    /// <summary>
    /// Checks every wallet, ledger entry, payment and the records entries reference (<see cref="IntegrityCheckMode.Full"/>),
    /// or every wallet from its checkpoint on (<see cref="IntegrityCheckMode.Incremental"/>), as one consistent snapshot taken
    /// while payments keep flowing. Keeps the first <paramref name="maxIssues"/> issues and counts them all. In the same
    /// transaction it moves the checkpoint of every wallet found without issue to its last entry (tagged with
    /// <paramref name="reportId"/> and <paramref name="checkedAt"/>) and drops the checkpoint of every wallet with one.
    /// </summary>
    Task<IntegrityFindings> VerifyAsync(IntegrityCheckMode mode, Guid reportId, DateTimeOffset checkedAt, int maxIssues,
        CancellationToken ct);
}

/// <summary>
/// Verifies the money records and keeps the reports. Verification only reads: it reports broken rules, it never repairs.
/// </summary>
public interface IIntegrityStore
{
    /// <summary>
    /// Takes the one-check-at-a-time lock for a check about to run. While another check runs this one waits for it to
    /// finish, but at most <paramref name="lockWait"/> (zero: not at all); then it throws
    /// <see cref="IntegrityCheckRunningException"/>, having read and written nothing. Disposing the result lets the lock go.
    /// </summary>
    Task<IIntegrityCheck> BeginCheckAsync(TimeSpan lockWait, CancellationToken ct);

    /// <summary>When the last full check that kept a report started, or null if none has.</summary>
    Task<DateTimeOffset?> FindLastFullCheckStartAsync(CancellationToken ct);

    Task AddReportAsync(IntegrityReportDto report, CancellationToken ct);

    Task<IntegrityReportDto?> FindReportAsync(Guid id, CancellationToken ct);

    /// <summary>The report of the check that finished last, or null before the first check.</summary>
    Task<IntegrityReportDto?> FindLatestReportAsync(CancellationToken ct);
}
