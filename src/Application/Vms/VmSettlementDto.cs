using CleanWallet.Application.Common.Security;

namespace CleanWallet.Application.Vms;

/// <summary>
/// Hours one request settled at once: [<see cref="From"/>, <see cref="To"/>), <see cref="Amount"/> charged by the
/// UsageCharge entry <see cref="LedgerEntryId"/> (null when the hours cost 0.00).
/// </summary>
public sealed record VmSettlementDto(
    long Hours,
    decimal Amount,
    string Currency,
    DateTimeOffset From,
    DateTimeOffset To,
    Guid? LedgerEntryId);
