using CleanWallet.Domain.Customers;
using CleanWallet.Domain.VirtualMachines;
using CleanWallet.Domain.Wallets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CleanWallet.Infrastructure.Persistence.Configurations;

internal sealed class VirtualMachineConfiguration : IEntityTypeConfiguration<VirtualMachine>
{
    public void Configure(EntityTypeBuilder<VirtualMachine> builder)
    {
        builder.ToTable("vms");
        builder.HasKey(v => v.Id);
        builder.Property(v => v.Id).ValueGeneratedNever();
        builder.HasOne<Customer>().WithMany().HasForeignKey(v => v.CustomerId);
        builder.HasOne<Wallet>().WithMany().HasForeignKey(v => v.WalletId);
    }
}

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

internal sealed class VmIdlePeriodConfiguration : IEntityTypeConfiguration<VmIdlePeriod>
{
    public void Configure(EntityTypeBuilder<VmIdlePeriod> builder)
    {
        builder.ToTable("vm_idle_periods");
        builder.HasKey(p => new { p.VmId, p.FromHour });
        builder.Ignore(p => p.Hours);
        builder.HasOne<VirtualMachine>().WithMany().HasForeignKey(p => p.VmId);
    }
}
