using System.Globalization;
using CleanWallet.Domain.Common;

namespace CleanWallet.Application.Integrity;

/// <summary>
/// Another integrity check held the one-at-a-time lock for longer than the caller would wait
/// (<see cref="IntegrityOptions.LockWaitSeconds"/>); this check read and wrote nothing. A conflict (409
/// <c>integrity_check_running</c>): the same request succeeds once the other check has finished.
/// </summary>
public sealed class IntegrityCheckRunningException(TimeSpan waited)
    : DomainException(ErrorCodes.IntegrityCheckRunning,
        $"Another integrity check is running and did not finish within {waited.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s; this one did not start and wrote nothing. " +
        "Retry after the Retry-After seconds, or read the running one's report at …/integrity-checks/latest once it is done.",
        DomainErrorKind.Conflict)
{
    /// <summary>How long this check waited for the lock.</summary>
    public TimeSpan Waited { get; } = waited;
}
