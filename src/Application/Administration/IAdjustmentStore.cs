using CleanWallet.Domain.Adjustments;

namespace CleanWallet.Application.Administration;

public interface IAdjustmentStore
{
    /// <summary>Adds the adjustment to the current unit of work, together with the ledger entry it caused.</summary>
    void Add(Adjustment adjustment);
}
