using CleanWallet.Domain.Access;
using CleanWallet.Domain.Customers;
using CleanWallet.Domain.Payments;
using CleanWallet.Domain.Wallets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CleanWallet.Infrastructure.Persistence.Configurations;

internal sealed class CustomerConfiguration : IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Customer> builder)
    {
        builder.ToTable("customers");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedNever();
    }
}

internal sealed class WalletConfiguration : IEntityTypeConfiguration<Wallet>
{
    public void Configure(EntityTypeBuilder<Wallet> builder)
    {
        builder.ToTable("wallets");
        builder.HasKey(w => w.Id);
        builder.Property(w => w.Id).ValueGeneratedNever();
        builder.Ignore(w => w.Available);
        builder.Ignore(w => w.WalletId);
        builder.HasOne<Customer>().WithMany().HasForeignKey(w => w.CustomerId);
    }
}

internal sealed class LedgerEntryConfiguration : IEntityTypeConfiguration<LedgerEntry>
{
    public void Configure(EntityTypeBuilder<LedgerEntry> builder)
    {
        builder.ToTable("ledger_entries");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.HasOne<Wallet>().WithMany().HasForeignKey(e => e.WalletId);
    }
}

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

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.ToTable("api_keys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Id).ValueGeneratedNever();
        builder.HasOne<Customer>().WithMany().HasForeignKey(k => k.CustomerId);
    }
}

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
