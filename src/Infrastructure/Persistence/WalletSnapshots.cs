using System.Collections.Concurrent;
using CleanWallet.Application.Common.Behaviours;
using CleanWallet.Domain.Wallets;
using Microsoft.Extensions.Options;

namespace CleanWallet.Infrastructure.Persistence;

/// <summary>
/// The wallets whose last money movement this process committed, as it committed them (the aggregate, every column as
/// written). A payment, hold placement or transfer with an Idempotency-Key on such wallets starts from these copies instead of
/// reading the rows under their locks first, and takes the lock with its write: the wallet's UPDATE goes first in the commit
/// batch and only if every column still holds what the copy holds (<see cref="ModelRowStatements.UpdateIfUnchanged"/>),
/// so one round trip does the lock, the check and the writes (a transfer's batch first locks both rows in the database's
/// id order, as its read under the locks would, so that two opposite transfers cannot deadlock). A copy that is out of date (another process, a job or an
/// operator changed the row; a change in this process through EF Core's change tracker drops the copy first) fails that guard before the COMMIT, nothing is kept, and the command runs again at once
/// reading the row under its lock (<see cref="UnitOfWork.IsRetryAtOnce"/>). So a copy decides nothing the database has not
/// confirmed under the row lock: the copy's only effect is one round trip fewer when it is current.
/// <para>
/// A copy is taken out (<see cref="Take"/>), so two commands in this process never start from the same one (the per-wallet
/// queue already runs them one at a time), and put back only after a commit (<see cref="Keep"/>).
/// </para>
/// </summary>
internal sealed class WalletSnapshots(IOptions<TransactionOptions> options)
{
    /// <summary>At most this many wallets are kept (<see cref="TransactionOptions.WalletSnapshotCapacity"/>); past that the
    /// copies are dropped and rebuilt by use.</summary>
    private readonly int _capacity = options.Value.WalletSnapshotCapacity;

    private readonly ConcurrentDictionary<Guid, Wallet> _wallets = new();

    /// <summary>
    /// The copies of all the wallets (in the order asked), which the caller then owns; or null, and none is taken, when
    /// one of them has none (or a wallet is asked twice).
    /// </summary>
    public Wallet[]? Take(params ReadOnlySpan<Guid> walletIds)
    {
        foreach (var walletId in walletIds)
            if (!_wallets.ContainsKey(walletId))
                return null;
        var wallets = new Wallet[walletIds.Length];
        for (var i = 0; i < walletIds.Length; i++)
        {
            if (_wallets.TryRemove(walletIds[i], out var wallet))
            {
                wallets[i] = wallet;
                continue;
            }
            // Asked twice (or dropped meanwhile by a full store): the copies taken so far go back as they were.
            for (var taken = 0; taken < i; taken++)
                Keep(wallets[taken]);
            return null;
        }
        return wallets;
    }

    /// <summary>Keeps the wallet as its transaction committed it. The caller must not change it afterwards.</summary>
    public void Keep(Wallet wallet)
    {
        if (_wallets.Count >= _capacity && !_wallets.ContainsKey(wallet.Id))
            _wallets.Clear();
        _wallets[wallet.Id] = wallet;
    }

    /// <summary>Drops the copy of a wallet about to be changed another way than by a movement that keeps one.</summary>
    public void Forget(Guid walletId) => _wallets.TryRemove(walletId, out _);
}
