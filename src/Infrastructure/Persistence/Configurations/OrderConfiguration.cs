using System.Text.Json;
using CleanWallet.Domain.Customers;
using CleanWallet.Domain.Orders;
using CleanWallet.Domain.Payments;
using CleanWallet.Domain.Wallets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CleanWallet.Infrastructure.Persistence.Configurations;

internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    private static readonly JsonSerializerOptions ItemsJson = new(JsonSerializerDefaults.Web);

    public void Configure(EntityTypeBuilder<Order> builder)
    {
        builder.ToTable("orders");
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Id).ValueGeneratedNever();
        builder.Ignore(o => o.ReturnableAmount);
        builder.Ignore(o => o.OrderId);
        builder.Ignore(o => o.Money);
        builder.HasOne<Customer>().WithMany().HasForeignKey(o => o.CustomerId);
        builder.HasOne<Wallet>().WithMany().HasForeignKey(o => o.WalletId);
        // Declared so EF inserts the payment before the order that points at it.
        builder.HasOne<PaymentRecord>().WithOne().HasForeignKey<Order>(o => o.PaymentId);

        // The lines are a value of the order, kept as one jsonb array ([{sku, quantity, unitPrice}]).
        builder.Property(o => o.Items)
            .HasColumnType("jsonb")
            .HasConversion(
                items => JsonSerializer.Serialize(items, ItemsJson),
                json => JsonSerializer.Deserialize<OrderItem[]>(json, ItemsJson) ?? Array.Empty<OrderItem>(),
                new ValueComparer<IReadOnlyList<OrderItem>>(
                    (a, b) => a!.SequenceEqual(b!),
                    items => items.Aggregate(0, (hash, item) => HashCode.Combine(hash, item)),
                    items => items.ToArray()));
    }
}
