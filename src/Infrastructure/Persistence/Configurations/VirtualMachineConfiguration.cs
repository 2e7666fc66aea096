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
