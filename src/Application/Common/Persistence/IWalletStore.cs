using CleanWallet.Domain.Wallets;

namespace CleanWallet.Application.Common.Persistence;

public interface IWalletStore
{
    /// <summary>Loads the wallet and holds a row lock on it until the transaction ends.</summary>
    Task<Wallet?> FindForUpdateAsync(Guid walletId, CancellationToken ct);

    void Add(Wallet wallet);

    /// <summary>The currencies the customer already holds a wallet in, read inside the current transaction.</summary>
    Task<IReadOnlyCollection<string>> CurrenciesOfCustomerAsync(Guid customerId, CancellationToken ct);

    void AddEntry(LedgerEntry entry);
}
