namespace CleanWallet.Domain.VirtualMachines;

/// <summary>
/// One billed clock hour of a VM (append-only). The table's key (vm, hour) makes billing an hour twice impossible,
/// whoever settles it: a stop, resize or delete (no billing run), or the hourly billing run.
/// </summary>
public sealed class VmUsage
{
    private VmUsage()
    {
        Size = string.Empty;
    }

    public Guid VmId { get; private set; }
    public DateTimeOffset HourStart { get; private set; }
    public string Size { get; private set; }
    public decimal Amount { get; private set; }
    public Guid WalletId { get; private set; }

    /// <summary>The UsageCharge entry that took the money; null only when the hours settled together cost 0.00.</summary>
    public Guid? LedgerEntryId { get; private set; }

    /// <summary>The billing run that charged the hour; null when a stop, resize or delete settled it.</summary>
    public Guid? BillingRunId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>The rows of a settlement charged (when it cost anything) by <paramref name="ledgerEntryId"/>.</summary>
    public static IReadOnlyList<VmUsage> ForSettlement(VmSettlement settlement, Guid walletId, Guid? ledgerEntryId, DateTimeOffset now)
    {
        if (settlement.Total > 0m && ledgerEntryId is null)
            throw new InvalidOperationException("Hours that cost money must name the ledger entry that charged them.");
        if (settlement.Total == 0m && ledgerEntryId is not null)
            throw new InvalidOperationException("Hours that cost nothing have no ledger entry.");

        return settlement.Hours.Select(hour => new VmUsage
        {
            VmId = settlement.VmId,
            HourStart = hour.HourStart,
            Size = hour.Size,
            Amount = hour.Amount,
            WalletId = walletId,
            LedgerEntryId = ledgerEntryId,
            CreatedAt = now,
        }).ToList();
    }
}
