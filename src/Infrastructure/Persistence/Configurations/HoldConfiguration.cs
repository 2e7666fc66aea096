using CleanWallet.Domain.Customers;
using CleanWallet.Domain.Payments;
using CleanWallet.Domain.Wallets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CleanWallet.Infrastructure.Persistence.Configurations;

internal sealed class HoldConfiguration : IEntityTypeConfiguration<Domain.Holds.Hold>
{
    public void Configure(EntityTypeBuilder<Domain.Holds.Hold> builder)
    {
        builder.ToTable("holds");
        builder.HasKey(h => h.Id);
        builder.Property(h => h.Id).ValueGeneratedNever();
        builder.Ignore(h => h.HoldId);
        builder.Ignore(h => h.Money);
        builder.HasOne<Wallet>().WithMany().HasForeignKey(h => h.WalletId);
        builder.HasOne<Customer>().WithMany().HasForeignKey(h => h.CustomerId);
        // Declared so EF inserts a capture's payment before the hold update that names it (payments.hold_id needs no
        // ordering: the hold exists before its capture).
        builder.HasOne<PaymentRecord>().WithOne().HasForeignKey<Domain.Holds.Hold>(h => h.PaymentId);
        // Declared so EF inserts a new order before the hold that reserves its amount.
        builder.HasOne<Domain.Orders.Order>().WithOne().HasForeignKey<Domain.Holds.Hold>(h => h.OrderId);
    }
}
