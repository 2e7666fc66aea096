using CleanWallet.Domain.Transfers;
using CleanWallet.Domain.Wallets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CleanWallet.Infrastructure.Persistence.Configurations;

internal sealed class TransferConfiguration : IEntityTypeConfiguration<Transfer>
{
    public void Configure(EntityTypeBuilder<Transfer> builder)
    {
        builder.ToTable("transfers");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).ValueGeneratedNever();
        builder.HasOne<Wallet>().WithMany().HasForeignKey(t => t.FromWalletId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Wallet>().WithMany().HasForeignKey(t => t.ToWalletId).OnDelete(DeleteBehavior.Restrict);
        // Declared so EF inserts both ledger entries before the transfer that points at them.
        builder.HasOne<LedgerEntry>().WithOne().HasForeignKey<Transfer>(t => t.OutEntryId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<LedgerEntry>().WithOne().HasForeignKey<Transfer>(t => t.InEntryId).OnDelete(DeleteBehavior.Restrict);
    }
}
