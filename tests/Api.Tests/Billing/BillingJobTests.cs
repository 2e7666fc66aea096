using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Application.Operations;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CleanWallet.Api.Tests.Billing;

/// <summary>The billing run as the scheduler runs it: a Hangfire job whose summary lands in the job history.</summary>
public sealed class BillingJobTests(TestDatabase database) : BillingTestBase(database)
{
    protected override IReadOnlyDictionary<string, string?> Settings =>
        new Dictionary<string, string?> { ["Scheduling:Enabled"] = "true" };

    [Fact]
    public async Task The_billing_job_records_a_succeeded_run_with_its_summary()
    {
        var customer = await CustomerWithFundsAsync(100m);
        var vmId = await InsertVmAsync(customer, CurrentHour.AddHours(-3));

        await Factory.Services.GetRequiredService<IJobScheduler>().TriggerNowAsync("billing", CancellationToken.None);
        var (status, nodeId, summaryJson, error) = await WaitForBillingJobAsync();

        Assert.Equal("Succeeded", status);
        Assert.Null(error);
        var summary = ParseJson(summaryJson)!;
        Assert.Equal("Succeeded", (string?)summary["status"]);
        Assert.Equal(1, (int)summary["vmsBilled"]!);
        Assert.Equal(3L, (long)summary["hoursBilled"]!);
        Assert.Equal(0.62m, (decimal)summary["amountBilled"]!);
        Assert.Equal(0, (int)summary["vmsSuspended"]!);
        Assert.Equal(1, (int)summary["batches"]!);
        Assert.Empty(summary["errors"]!.AsArray());
        Assert.Equal(CurrentHour, DateTimeOffset.Parse((string)summary["billedUpTo"]!, System.Globalization.CultureInfo.InvariantCulture));

        // The billing run is the one the summary names, run by the scheduler node that ran the job.
        var runId = Guid.Parse((string)summary["runId"]!);
        Assert.Equal(1L, await Database.CountAsync("billing_runs", "id = $1 AND status = 'Succeeded' AND node_id = $2", runId, nodeId));
        Assert.Equal(3L, await Database.CountAsync("vm_usage", "vm_id = $1 AND billing_run_id = $2", vmId, runId));
        await AssertLedgerReconcilesAsync();
    }

    [Fact]
    public async Task A_billing_run_with_a_failure_is_a_failed_job_with_its_error_and_its_summary()
    {
        var customer = await CustomerWithFundsAsync(100m);
        await InsertVmAsync(customer, CurrentHour.AddHours(-1));
        var unpriced = await InsertVmAsync(customer, CurrentHour.AddHours(-1), size: "Gigantic");

        await Factory.Services.GetRequiredService<IJobScheduler>().TriggerNowAsync("billing", CancellationToken.None);
        var (status, _, summaryJson, error) = await WaitForBillingJobAsync();

        // What could be billed was, and the summary says so; the job itself is failed, naming the VM left unbilled.
        Assert.Equal("Failed", status);
        Assert.Contains(unpriced.ToString(), error);
        var summary = ParseJson(summaryJson)!;
        Assert.Equal("Failed", (string?)summary["status"]);
        Assert.Equal(1, (int)summary["vmsBilled"]!);
        Assert.Contains(unpriced.ToString(), (string?)Assert.Single(summary["errors"]!.AsArray()));
        await AssertLedgerReconcilesAsync();
    }

    private async Task<(string Status, string NodeId, string? Summary, string? Error)> WaitForBillingJobAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            await using (var connection = new NpgsqlConnection(Database.ConnectionString))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand(
                    "SELECT status, node_id, summary::text, error FROM job_runs WHERE job_name = 'billing' AND status <> 'Running'", connection);
                await using var reader = await command.ExecuteReaderAsync();
                if (await reader.ReadAsync())
                    return (reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                        reader.IsDBNull(3) ? null : reader.GetString(3));
            }
            Assert.True(DateTime.UtcNow < deadline, "The billing job did not finish within 60 s.");
            await Task.Delay(200);
        }
    }
}
