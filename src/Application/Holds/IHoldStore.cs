using CleanWallet.Domain.Holds;

namespace CleanWallet.Application.Holds;

public interface IHoldStore
{
    /// <summary>
    /// Loads the hold and holds a row lock on it until the transaction ends. Lock order: an order first, then its hold,
    /// then the wallet; a capture, a void and the expiry job all lock the hold before its wallet, so they queue.
    /// </summary>
    Task<Hold?> FindForUpdateAsync(Guid holdId, CancellationToken ct);

    /// <summary>The hold that reserves <paramref name="orderId"/>'s amount, row-locked like <see cref="FindForUpdateAsync"/> (after the order's lock).</summary>
    Task<Hold?> FindForOrderForUpdateAsync(Guid orderId, CancellationToken ct);

    void Add(Hold hold);

    /// <summary>
    /// Records a hold placed on a wallet loaded for a movement (<see cref="Common.Persistence.IWalletStore.RecordState"/>):
    /// inserted when the transaction commits, without change tracking.
    /// </summary>
    void RecordNew(Hold hold);
}
