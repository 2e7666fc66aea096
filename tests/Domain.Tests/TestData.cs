using CleanWallet.Domain.Customers;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Domain.Tests;

/// <summary>Small builders shared by the domain tests. Everything is in-memory and deterministic.</summary>
internal static class TestData
{
    public static readonly DateTimeOffset Now = new(2025, 1, 15, 10, 30, 0, TimeSpan.Zero);

    public static Customer PaygCustomer() => Customer.Register("Acme PAYG", BillingModel.Payg, null, Now);

    public static Customer InvoiceCustomer() => Customer.Register("Acme Invoice", BillingModel.Invoice, null, Now);

    public static Wallet PaygWallet(decimal initialBalance = 0m)
    {
        var wallet = Wallet.Open(PaygCustomer(), "EUR", 0m, Now);
        if (initialBalance > 0m)
            wallet.Credit(initialBalance, LedgerEntryType.Deposit, AnyReference(), "seed", "test", Now);
        return wallet;
    }

    public static Wallet InvoiceWallet(decimal creditLimit, decimal initialBalance = 0m)
    {
        var wallet = Wallet.Open(InvoiceCustomer(), "EUR", creditLimit, Now);
        if (initialBalance > 0m)
            wallet.Credit(initialBalance, LedgerEntryType.Deposit, AnyReference(), "seed", "test", Now);
        return wallet;
    }

    public static LedgerReference AnyReference() => LedgerReference.ForPayment(Guid.NewGuid());
}
