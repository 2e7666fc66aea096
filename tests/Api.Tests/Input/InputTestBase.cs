using CleanWallet.Api.Tests.Infrastructure;

namespace CleanWallet.Api.Tests.Input;

/// <summary>Refused input must change nothing: these are every table a request could write to.</summary>
public abstract class InputTestBase(TestDatabase database) : ApiTestBase(database)
{
    private static readonly string[] Tables =
    [
        "customers", "wallets", "api_keys", "ledger_entries", "payments", "refunds", "transfers", "adjustments", "orders", "vms",
        "audit_log", "idempotency_keys",
    ];

    protected async Task<long[]> CountWritesAsync()
    {
        var counts = new long[Tables.Length];
        for (var i = 0; i < Tables.Length; i++)
            counts[i] = await Database.CountAsync(Tables[i]);
        return counts;
    }
}
