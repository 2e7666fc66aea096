using System.Text;
using CleanWallet.Domain.Access;
using CleanWallet.Domain.Audit;
using CleanWallet.Domain.Customers;
using CleanWallet.Domain.Payments;
using CleanWallet.Domain.Wallets;
using Microsoft.EntityFrameworkCore;

namespace CleanWallet.Infrastructure.Persistence;

/// <summary>The EF Core model over the schema that the SQL migrations own (EF never creates tables here).</summary>
public sealed class WalletDbContext(DbContextOptions<WalletDbContext> options) : DbContext(options)
{
    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<Wallet> Wallets => Set<Wallet>();
    public DbSet<LedgerEntry> LedgerEntries => Set<LedgerEntry>();
    public DbSet<PaymentRecord> Payments => Set<PaymentRecord>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    /// <summary>
    /// The idempotency claim that the transaction's next query carries (<see cref="DeferredClaim"/>), where its
    /// interceptor finds it. The unit of work clears it when a transaction begins or ends (the context is pooled).
    /// </summary>
    internal DeferredClaim? PendingClaim { get; set; }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(WalletDbContext).Assembly);
        UseSnakeCaseColumns(modelBuilder);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Enums are stored by name: readable in SQL and checked by the schema's CHECK constraints.
        configurationBuilder.Properties<Enum>().HaveConversion<string>();
        configurationBuilder.Properties<decimal>().HavePrecision(19, 2);
    }

    private static void UseSnakeCaseColumns(ModelBuilder modelBuilder)
    {
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
            foreach (var property in entity.GetProperties())
                property.SetColumnName(ToSnakeCase(property.Name));
    }

    private static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
                builder.Append('_');
            builder.Append(char.ToLowerInvariant(name[i]));
        }
        return builder.ToString();
    }
}
