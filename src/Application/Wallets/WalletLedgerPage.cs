namespace CleanWallet.Application.Wallets;

/// <summary>
/// A wallet's owner, the sequence number of its newest ledger entry (which is also how many entries it has), and one page
/// of its entries, newest first: what the unfiltered history page needs, read in one query
/// (see <see cref="Common.Persistence.IReadStore.WalletLedgerPageAsync"/>).
/// </summary>
public sealed record WalletLedgerPage(Guid CustomerId, long LastSequence, List<LedgerEntryDto> Entries);
