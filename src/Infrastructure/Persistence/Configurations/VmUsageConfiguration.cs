using CleanWallet.Domain.Customers;
using CleanWallet.Domain.VirtualMachines;
using CleanWallet.Domain.Wallets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CleanWallet.Infrastructure.Persistence.Configurations;

internal sealed class VmUsageConfiguration : IEntityTypeConfiguration<VmUsage>
{
    public void Configure(EntityTypeBuilder<VmUsage> builder)
    {
        builder.ToTable("vm_usage");
        // The exactly-once guard: one row per VM and clock hour.
        builder.HasKey(u => new { u.VmId, u.HourStart });
        builder.HasOne<VirtualMachine>().WithMany().HasForeignKey(u => u.VmId);
        builder.HasOne<Wallet>().WithMany().HasForeignKey(u => u.WalletId);
        // Declared so EF inserts the usage entry before the hours that point at it.
        builder.HasOne<LedgerEntry>().WithMany().HasForeignKey(u => u.LedgerEntryId);
    }
}
