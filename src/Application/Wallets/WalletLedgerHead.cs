namespace CleanWallet.Application.Wallets;

/// <summary>
/// Who owns a wallet and the sequence number of its newest ledger entry, which is also how many entries it has
/// (see <see cref="Common.Persistence.IReadStore.WalletLedgerHeadAsync"/>).
/// </summary>
public sealed record WalletLedgerHead(Guid CustomerId, long LastSequence);
