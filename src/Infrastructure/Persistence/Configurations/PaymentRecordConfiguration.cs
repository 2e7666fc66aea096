using CleanWallet.Domain.Customers;
using CleanWallet.Domain.Payments;
using CleanWallet.Domain.Wallets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CleanWallet.Infrastructure.Persistence.Configurations;

internal sealed class PaymentRecordConfiguration : IEntityTypeConfiguration<PaymentRecord>
{
    public void Configure(EntityTypeBuilder<PaymentRecord> builder)
    {
        builder.ToTable("payments");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.HasOne<Customer>().WithMany().HasForeignKey(p => p.CustomerId);
        builder.HasOne<Wallet>().WithMany().HasForeignKey(p => p.WalletId);
        // Declared so EF inserts the ledger entry before the payment that points at it.
        builder.HasOne<LedgerEntry>().WithOne().HasForeignKey<PaymentRecord>(p => p.LedgerEntryId);
    }
}
