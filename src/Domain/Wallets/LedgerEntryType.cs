namespace CleanWallet.Domain.Wallets;

public enum LedgerEntryType
{
    Deposit,
    Payment,
    Refund,
    TransferIn,
    TransferOut,
    AdjustmentCredit,
    AdjustmentDebit,
    UsageCharge,
}

public enum LedgerDirection
{
    Credit,
    Debit,
}

public static class LedgerEntryTypeExtensions
{
    /// <summary>Each entry type moves money one way only; the schema checks the same pairing.</summary>
    public static LedgerDirection Direction(this LedgerEntryType type) => type switch
    {
        LedgerEntryType.Deposit or LedgerEntryType.Refund or LedgerEntryType.TransferIn or LedgerEntryType.AdjustmentCredit
            => LedgerDirection.Credit,
        LedgerEntryType.Payment or LedgerEntryType.TransferOut or LedgerEntryType.AdjustmentDebit or LedgerEntryType.UsageCharge
            => LedgerDirection.Debit,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown ledger entry type."),
    };
}
