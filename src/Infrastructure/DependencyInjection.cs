using CleanWallet.Application.Common.Behaviours;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Infrastructure.Persistence;
using CleanWallet.Infrastructure.Persistence.Migrations;
using CleanWallet.Infrastructure.Persistence.Stores;
using CleanWallet.Infrastructure.Scheduling;
using CleanWallet.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CleanWallet.Infrastructure;

public static class DependencyInjection
{
    public static IServiceCollection AddInfrastructure(this IServiceCollection services, IConfiguration configuration, string connectionString)
    {
        services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString).Build());
        // The commands' and queries' own pool (see CommandConnections): prepared statements, no session reset.
        services.AddKeyedSingleton(CommandConnections.Key, (_, _) => CommandConnections.Build(connectionString));
        // Pooled: a request rents a ready DbContext instead of building one (and its options) from scratch.
        services.AddDbContextPool<WalletDbContext>((provider, options) =>
        {
            var commandSource = provider.GetRequiredKeyedService<NpgsqlDataSource>(CommandConnections.Key);
            options.UseNpgsql(commandSource);
            // Tests inject faults (e.g. after the ledger insert) through interceptors registered in DI (singletons).
            options.AddInterceptors(provider.GetServices<IInterceptor>());
            options.AddInterceptors(new RowLocking.Interceptor());
            // After RowLocking: it looks for its tag at the start of the text, where a deferred claim would go.
            options.AddInterceptors(new DeferredClaim.Interceptor());
            options.AddInterceptors(provider.GetRequiredService<DeadConnectionSweeper>());
        });
        services.AddSingleton(provider => new DeadConnectionSweeper(
            provider.GetRequiredKeyedService<NpgsqlDataSource>(CommandConnections.Key), provider.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<MigrationRunner>();

        services.AddSingleton(provider => ActivatorUtilities.CreateInstance<CommitOutcomeProbe>(provider, connectionString));
        services.AddOptions<TransactionOptions>()
            .Validate(o => o.WalletSnapshotCapacity >= 1, "Transactions settings: Transactions:WalletSnapshotCapacity must be at least 1.")
            .ValidateOnStart();
        services.AddSingleton<WalletSnapshots>();
        services.AddScoped<UnitOfWork>();
        services.AddScoped<IUnitOfWork>(sp => sp.GetRequiredService<UnitOfWork>());
        services.AddScoped<IIdempotencyStore, IdempotencyStore>();
        services.AddScoped<IWalletStore, WalletStore>();
        services.AddScoped<IPaymentStore, PaymentStore>();
        services.AddScoped<Application.Holds.IHoldStore, HoldStore>();
        services.AddScoped<ICustomerStore, CustomerStore>();
        services.AddScoped<Application.ApiKeys.IApiKeyStore, ApiKeyStore>();
        services.AddScoped<IReadStore, ReadStore>();
        services.AddUsageBilling(configuration);
        services.AddScoped<Application.Integrity.IIntegrityStore, Integrity.IntegrityStore>();
        services.Configure<Application.Integrity.IntegrityOptions>(configuration.GetSection("Integrity"));
        services.AddScoped<Application.Operations.IOperationsReadStore, Operations.OperationsReadStore>();
        services.AddScoped<Application.Vms.IVmStore, VmStore>();
        services.AddOrders(configuration);
        services.AddScoped<Application.Payments.IRefundStore, RefundStore>();
        services.AddScoped<Application.Transfers.ITransferStore, TransferStore>();
        services.AddScoped<Application.Administration.IAdjustmentStore, AdjustmentStore>();
        services.AddScoped<Application.Audit.IAuditStore, AuditStore>();
        services.AddScoped<Application.Housekeeping.IHousekeepingStore, HousekeepingStore>();
        services.AddScheduling(configuration, connectionString);
        services.AddSharedDataProtection();

        services.AddCardGateway(configuration);

        return services;
    }
}
