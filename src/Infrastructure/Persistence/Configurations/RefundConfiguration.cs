using CleanWallet.Domain.Payments;
using CleanWallet.Domain.Wallets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CleanWallet.Infrastructure.Persistence.Configurations;

internal sealed class RefundConfiguration : IEntityTypeConfiguration<Refund>
{
    public void Configure(EntityTypeBuilder<Refund> builder)
    {
        builder.ToTable("refunds");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.HasOne<PaymentRecord>().WithMany().HasForeignKey(r => r.PaymentId);
        // Declared so EF inserts the Refund ledger entry before the refund that points at it.
        builder.HasOne<LedgerEntry>().WithOne().HasForeignKey<Refund>(r => r.LedgerEntryId);
    }
}
