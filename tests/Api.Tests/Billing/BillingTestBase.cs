using System.Globalization;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Application.Billing;
using CleanWallet.Application.Billing.Commands.RunBilling;
using CleanWallet.Infrastructure.Billing;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CleanWallet.Api.Tests.Billing;

/// <summary>
/// The API with a clock the test moves, and a hook into every billing batch just before it commits. VMs are written
/// straight into <c>vms</c> (billing is about what is in the table, whoever put it there); customers, wallets and
/// top-ups go through the API.
/// </summary>
public abstract class BillingTestBase(TestDatabase database) : ApiTestBase(database)
{
    protected static readonly DateTimeOffset Start = new(2026, 3, 10, 9, 20, 0, TimeSpan.Zero);
    protected static readonly DateTimeOffset CurrentHour = new(2026, 3, 10, 9, 0, 0, TimeSpan.Zero);

    protected MutableClock Clock { get; } = new(Start);

    /// <summary>Runs inside every batch (of every node this class starts) before it commits; throwing rolls it back.</summary>
    protected ScriptedBatchInterceptor Interceptor { get; } = new();

    /// <summary>A node of a Hangfire cluster on the test database (the scheduler on), billing two VMs a batch.</summary>
    protected static readonly IReadOnlyDictionary<string, string?> ClusterNode = new Dictionary<string, string?>
    {
        ["Scheduling:Enabled"] = "true",
        ["Billing:BatchSize"] = "2",
    };

    /// <summary>Settings every node of the test class starts with (e.g. a small <c>Billing:BatchSize</c>).</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    protected override ApiFactory CreateFactory() => StartNode();

    /// <summary>A node of the service on the test database: the same clock and hook, the class's settings plus <paramref name="extra"/>.</summary>
    protected ApiFactory StartNode(IReadOnlyDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>(Settings);
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
            settings[key] = value;
        return ApiFactory.StartOnKestrel(Database.ConnectionString, services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<IBillingBatchInterceptor>(Interceptor);
        }, settings);
    }

    protected static async Task<BillingRunSummary> RunBillingAsync(ApiFactory node, string? nodeId = null, CancellationToken ct = default)
    {
        await using var scope = node.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new RunBillingCommand(nodeId), ct);
    }

    protected Task<BillingRunSummary> RunBillingAsync(CancellationToken ct = default) => RunBillingAsync(Factory, ct: ct);

    /// <summary>A PAYG customer whose wallet holds <paramref name="funds"/>.</summary>
    protected async Task<TestCustomer> CustomerWithFundsAsync(decimal funds, string name = "Acme")
    {
        var customer = await CreateCustomerAsync(name: name);
        if (funds > 0m)
            await TopUpAsync(customer.WalletId, funds);
        return customer;
    }

    /// <summary>
    /// A VM created at <paramref name="billedThrough"/> (so every hour before it is accounted for). A Running VM peaks at
    /// its size in the hour at billed-through unless <paramref name="peakSize"/> says otherwise; a Stopped or Suspended
    /// one has not run in it unless <paramref name="peakSize"/> is given. <paramref name="sizeHoursBilled"/> hours were
    /// billed at its size before.
    /// </summary>
    private static long _lastVmIdMilliseconds;

    /// <summary>
    /// A UUIDv7 later than every one made before it in this process. VM ids must ascend in creation order (the billing
    /// job's batches follow it, and tests arrange their batches by it), but a UUIDv7 is ordered only by its millisecond:
    /// two made within one millisecond come out in random order. Each id takes the next free millisecond.
    /// </summary>
    private static Guid NextVmId()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        long last, next;
        do
        {
            last = Interlocked.Read(ref _lastVmIdMilliseconds);
            next = Math.Max(now, last + 1);
        } while (Interlocked.CompareExchange(ref _lastVmIdMilliseconds, next, last) != last);
        return Guid.CreateVersion7(DateTimeOffset.FromUnixTimeMilliseconds(next));
    }

    protected async Task<Guid> InsertVmAsync(TestCustomer owner, DateTimeOffset billedThrough, string size = "Small", string status = "Running",
        long sizeHoursBilled = 0, string name = "web-1", string? peakSize = null)
    {
        var id = NextVmId();
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            INSERT INTO vms (id, customer_id, wallet_id, name, size, status, billed_through, size_hours_billed, billed_size, peak_size,
                             created_at, updated_at, deleted_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $8 > 0 THEN $5 END,
                    CASE WHEN $6 = 'Deleted' THEN NULL ELSE coalesce($9, CASE WHEN $6 = 'Running' THEN $5 END) END,
                    $7, $7, CASE WHEN $6 = 'Deleted' THEN $7 END)
            """, connection);
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(owner.CustomerId);
        command.Parameters.AddWithValue(owner.WalletId);
        command.Parameters.AddWithValue(name);
        command.Parameters.AddWithValue(size);
        command.Parameters.AddWithValue(status);
        command.Parameters.AddWithValue(billedThrough);
        command.Parameters.AddWithValue(sizeHoursBilled);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Varchar, Value = (object?)peakSize ?? DBNull.Value });
        await command.ExecuteNonQueryAsync();
        return id;
    }

    protected sealed record VmRow(string Status, DateTimeOffset BilledThrough, long SizeHoursBilled);

    protected async Task<VmRow> GetVmRowAsync(Guid vmId)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT status, billed_through, size_hours_billed FROM vms WHERE id = $1", connection);
        command.Parameters.AddWithValue(vmId);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"VM {vmId} does not exist.");
        return new VmRow(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetInt64(2));
    }

    /// <summary>The hours billed for the VM, in order, with their amounts.</summary>
    protected async Task<IReadOnlyList<(DateTimeOffset HourStart, decimal Amount)>> UsageOfAsync(Guid vmId)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT hour_start, amount FROM vm_usage WHERE vm_id = $1 ORDER BY hour_start", connection);
        command.Parameters.AddWithValue(vmId);
        await using var reader = await command.ExecuteReaderAsync();
        var hours = new List<(DateTimeOffset, decimal)>();
        while (await reader.ReadAsync())
            hours.Add((reader.GetFieldValue<DateTimeOffset>(0), reader.GetDecimal(1)));
        return hours;
    }

    protected async Task<decimal> BalanceOfAsync(Guid walletId) => (decimal)(await GetWalletAsync(walletId))["balance"]!;

    protected async Task<decimal> UsageChargedToAsync(Guid walletId) =>
        await Database.ScalarAsync<decimal>(
            "SELECT coalesce(sum(amount), 0) FROM ledger_entries WHERE wallet_id = $1 AND type = 'UsageCharge'", walletId);

    protected static HttpRequestMessage WalletPayment(Guid walletId, decimal amount) =>
        Post($"/api/v1/wallets/{walletId}/payments", new { amount, description = "After billing" });

    /// <summary>
    /// The invariants every test ends on: each wallet's balance is the sum of its ledger, its sequences run 1..n without a
    /// gap and chain balance to balance, each usage entry is exactly the usage rows that name it, and no VM-hour is
    /// billed twice (the primary key; counted here as a cross-check).
    /// </summary>
    protected async Task AssertLedgerReconcilesAsync()
    {
        Assert.Equal(0L, await Database.ScalarAsync<long>("""
            SELECT count(*) FROM wallets w
            LEFT JOIN (
                SELECT wallet_id, sum(CASE WHEN direction = 'Credit' THEN amount ELSE -amount END) AS total,
                       count(*) AS entries, max(sequence) AS last_sequence
                FROM ledger_entries GROUP BY wallet_id
            ) l ON l.wallet_id = w.id
            WHERE w.balance <> coalesce(l.total, 0) OR w.last_sequence <> coalesce(l.entries, 0)
               OR w.last_sequence <> coalesce(l.last_sequence, 0)
            """));
        Assert.Equal(0L, await Database.ScalarAsync<long>("""
            SELECT count(*) FROM (
                SELECT sequence, balance_before,
                       row_number() OVER (PARTITION BY wallet_id ORDER BY sequence) AS expected_sequence,
                       lag(balance_after) OVER (PARTITION BY wallet_id ORDER BY sequence) AS previous_after
                FROM ledger_entries
            ) e
            WHERE e.sequence <> e.expected_sequence OR e.balance_before <> coalesce(e.previous_after, 0)
            """));
        Assert.Equal(0L, await Database.ScalarAsync<long>("""
            SELECT count(*) FROM ledger_entries e
            WHERE e.type = 'UsageCharge'
              AND (e.reference_type <> 'vm_usage'
                   OR e.amount <> (SELECT coalesce(sum(u.amount), 0) FROM vm_usage u WHERE u.ledger_entry_id = e.id)
                   OR EXISTS (SELECT 1 FROM vm_usage u WHERE u.ledger_entry_id = e.id AND u.vm_id <> e.reference_id))
            """));
        Assert.Equal(0L, await Database.ScalarAsync<long>(
            "SELECT count(*) FROM (SELECT 1 FROM vm_usage GROUP BY vm_id, hour_start HAVING count(*) > 1) twice"));
        Assert.Equal(0L, await Database.CountAsync("vm_usage", "amount > 0 AND ledger_entry_id IS NULL"));
    }

    /// <summary>Every VM has exactly the hours [from, billedUpTo) billed, each once.</summary>
    protected async Task AssertEachHourBilledOnceAsync(IEnumerable<Guid> vmIds, DateTimeOffset from, DateTimeOffset billedUpTo)
    {
        var expected = Enumerable.Range(0, (int)(billedUpTo - from).TotalHours).Select(h => from.AddHours(h)).ToList();
        foreach (var vmId in vmIds)
        {
            var hours = await UsageOfAsync(vmId);
            Assert.Equal(expected, hours.Select(h => h.HourStart.ToUniversalTime()).ToList());
            var vm = await GetVmRowAsync(vmId);
            Assert.Equal(billedUpTo, vm.BilledThrough);
            Assert.Equal(expected.Count, vm.SizeHoursBilled);
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails after 90 s with <paramref name="failure"/>.</summary>
    protected static async Task WaitUntilAsync(Func<Task<bool>> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Within 90 s, {failure}.");
            await Task.Delay(200);
        }
    }

    protected static string Invariant(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    protected static JsonObject? ParseJson(string? json) => json is null ? null : JsonNode.Parse(json)?.AsObject();
}

/// <summary>A billing batch hook whose behaviour a test scripts; by default it lets every batch commit.</summary>
public sealed class ScriptedBatchInterceptor : IBillingBatchInterceptor
{
    private volatile Func<BillingBatch, CancellationToken, Task>? _script;
    private int _batchesSeen;

    public int BatchesSeen => Volatile.Read(ref _batchesSeen);

    public void Script(Func<BillingBatch, CancellationToken, Task>? script) => _script = script;

    public Task BeforeCommitAsync(BillingBatch batch, BillingBatchResult result, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _batchesSeen);
        return _script?.Invoke(batch, cancellationToken) ?? Task.CompletedTask;
    }
}
