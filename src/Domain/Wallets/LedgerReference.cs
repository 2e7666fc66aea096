namespace CleanWallet.Domain.Wallets;

/// <summary>What caused a ledger movement: every entry names it, so every movement is explainable.</summary>
public readonly record struct LedgerReference(string Type, Guid Id)
{
    public const string Payment = "payment";
    public const string Order = "order";
    public const string Transfer = "transfer";
    public const string VmUsage = "vm_usage";
    public const string Adjustment = "adjustment";

    public static LedgerReference ForPayment(Guid paymentId) => new(Payment, paymentId);
}
