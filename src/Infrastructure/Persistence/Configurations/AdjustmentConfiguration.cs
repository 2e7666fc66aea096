using CleanWallet.Domain.Adjustments;
using CleanWallet.Domain.Wallets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CleanWallet.Infrastructure.Persistence.Configurations;

internal sealed class AdjustmentConfiguration : IEntityTypeConfiguration<Adjustment>
{
    public void Configure(EntityTypeBuilder<Adjustment> builder)
    {
        builder.ToTable("adjustments");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.HasOne<Wallet>().WithMany().HasForeignKey(a => a.WalletId);
        // Declared so EF inserts the ledger entry before the adjustment that points at it.
        builder.HasOne<LedgerEntry>().WithOne().HasForeignKey<Adjustment>(a => a.LedgerEntryId);
    }
}
