using System.Diagnostics;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Simulator;
using Microsoft.Extensions.Configuration;
using Xunit.Abstractions;

namespace CleanWallet.Api.Tests.Simulation;

/// <summary>
/// The business simulation (tools/Simulator, issue 12) at small sizes, on the test PostgreSQL emptied first: the real
/// application through simulated time, its fakes on loopback, its invariants checked every simulated day.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class SimulationTests(TestDatabase database, ITestOutputHelper output)
{
    private async Task<SimulationResult> SimulateAsync(SimulationOptions options, Func<DateTimeOffset, Task>? beforeDailyCheck = null)
    {
        // The API's own settings (its appsettings.json is copied beside the tests), as the simulator runs with them.
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json")).Build();
        await using var host = await SimulationHost.StartAsync(configuration, SimulatorProgram.AsynchronousCommits(database.ConnectionString),
            options.Start);
        await database.ResetAsync();
        var watch = Stopwatch.StartNew();
        var result = await new CleanWallet.Simulator.Simulation(host, options, beforeDailyCheck: beforeDailyCheck).RunAsync();
        output.WriteLine($"seed {options.Seed}, {options.Companies} companies, {options.Length}: {watch.Elapsed.TotalSeconds:0.0} s");
        var text = new StringWriter();
        result.Print(text);
        output.WriteLine(text.ToString());
        return result;
    }

    [Fact]
    public async Task Ten_companies_for_a_month_keep_every_invariant_and_do_every_kind_of_business()
    {
        var result = await SimulateAsync(new SimulationOptions { Companies = 10, Months = 1, Seed = 4 });

        Assert.Equal(10, result.Customers);
        Assert.Equal(744, result.BillingRuns);
        // The job at 00:30 of every simulated day after the first and once at the end (31), full on the first and every
        // 7th day after it (5) and incremental in between; the job's check at the end is incremental, so a full one follows.
        Assert.Equal(32, result.IntegrityRuns);
        Assert.Equal(6, result.IntegrityFullRuns);
        Assert.Equal(0, result.IntegrityIssues);
        Assert.True(result.VmHoursBilled > 1000, $"VM-hours billed: {result.VmHoursBilled}");
        Assert.Equal(result.VmHoursBilled, await database.CountAsync("vm_usage"));
        Assert.Equal(744, await database.CountAsync("job_runs", "job_name = 'billing' AND trigger_name = 'billing.schedule' AND status = 'Succeeded'"));

        var activity = new Dictionary<string, long>
        {
            ["card top-ups paid"] = result.CardTopUpsPaid,
            ["cards declined"] = result.CardsDeclined,
            ["VMs provisioned"] = result.Counts.GetValueOrDefault("vm.provision"),
            ["VMs resized"] = result.Counts.GetValueOrDefault("vm.resize"),
            ["VMs stopped"] = result.Counts.GetValueOrDefault("vm.stop"),
            ["VMs started"] = result.Counts.GetValueOrDefault("vm.start"),
            ["VMs deleted"] = result.Counts.GetValueOrDefault("vm.delete"),
            ["VMs suspended"] = result.VmsSuspended,
            ["orders completed"] = result.OrdersCompleted,
            ["orders failing fulfilment"] = result.OrdersFailed,
            ["orders cancelled or returned"] = result.Counts.GetValueOrDefault("order.cancelled") + result.Counts.GetValueOrDefault("order.returned"),
            ["holds captured"] = result.HoldsCaptured,
            ["holds voided"] = result.HoldsVoided,
            ["holds expired"] = result.HoldsExpired,
            ["refunds"] = result.Refunds,
            ["reseller transfers"] = result.Transfers,
            ["admin adjustments"] = result.Adjustments,
            ["wallet freezes"] = result.Freezes,
            ["refusals for want of funds"] = result.Refusals.Where(r => r.Key.EndsWith("insufficient_funds", StringComparison.Ordinal)).Sum(r => r.Value),
        };
        var missing = activity.Where(a => a.Value == 0).Select(a => a.Key).ToList();
        Assert.True(missing.Count == 0, "No " + string.Join(", ", missing));
    }

    [Fact]
    public async Task The_same_seed_on_an_empty_database_gives_the_same_ledger_and_figures_and_another_seed_does_not()
    {
        var options = new SimulationOptions { Companies = 3, Days = 4, Seed = 7 };

        var first = await SimulateAsync(options);
        var second = await SimulateAsync(options);
        var other = await SimulateAsync(options with { Seed = 8 });

        Assert.True(first.LedgerEntries > 100, $"ledger entries: {first.LedgerEntries}");
        Assert.Equal(first.LedgerHash, second.LedgerHash);
        Assert.Equal(first.DeterministicFigures(), second.DeterministicFigures());
        Assert.NotEqual(first.LedgerHash, other.LedgerHash);
    }

    [Fact]
    public async Task A_broken_invariant_stops_the_run_naming_the_seed_and_the_simulated_time()
    {
        var options = new SimulationOptions { Companies = 3, Days = 3, Seed = 5 };

        var failure = await Assert.ThrowsAsync<SimulationFailedException>(() => SimulateAsync(options, async at =>
        {
            // Behind the application's back, on the second simulated day: one wallet's balance no longer its ledger's sum.
            if (at.Day == 3)
                await database.ScalarAsync<long>(
                    "WITH w AS (UPDATE wallets SET balance = balance + 0.01 WHERE id = (SELECT min(id::text)::uuid FROM wallets) RETURNING 1) SELECT count(*) FROM w");
        }));

        Assert.Contains("seed 5", failure.Message);
        Assert.Contains("2026-01-03 00:30:00Z", failure.Message);
        Assert.Contains("balance_mismatch", failure.Message);
        Assert.Contains("but its ledger sums to", failure.Message);
    }
}
