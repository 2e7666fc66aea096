using CleanWallet.Domain.VirtualMachines;
using CleanWallet.Domain.Wallets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CleanWallet.Infrastructure.Persistence.Configurations;

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
