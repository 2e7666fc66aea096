using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Application.Integrity.Commands.RunIntegrityCheck;
using CleanWallet.Application.Integrity.Commands.RunScheduledIntegrityCheck;
using CleanWallet.Application.Operations;
using CleanWallet.Infrastructure.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CleanWallet.Api.Tests.Integrity;

/// <summary>The scheduled path: the clustered scheduler runs the integrity job, the job history records it.</summary>
public sealed class IntegrityJobTests(TestDatabase database) : IntegrityTestBase(database)
{
    private readonly CapturingLogSink _logs = new();

    protected override ApiFactory CreateFactory() =>
        ApiFactory.StartOnKestrel(Database.ConnectionString, _logs.Register,
            new Dictionary<string, string?>
            {
                ["Scheduling:Enabled"] = "true", [CapturingLogSink.InformationLevel.Key] = CapturingLogSink.InformationLevel.Value,
                ["Integrity:LockWaitSeconds"] = "1",
            });

    [Fact]
    public async Task The_integrity_job_stores_a_scheduled_report_and_its_summary_in_the_job_history()
    {
        var (customer, _) = await CustomerWithPaymentsAsync();
        await CorruptAsync("UPDATE wallets SET balance = balance - 1 WHERE id = $1", customer.WalletId);

        await Factory.Services.GetRequiredService<IJobScheduler>().TriggerNowAsync("integrity", CancellationToken.None);
        var run = await WaitForFinishedRunAsync("integrity");

        Assert.Equal("Succeeded", run.Status);
        var summary = JsonNode.Parse(run.Summary!)!.AsObject();
        var reportId = Guid.Parse((string)summary["reportId"]!);
        Assert.Equal(1L, (long)summary["walletsChecked"]!);
        Assert.Equal(4L, (long)summary["entriesChecked"]!);
        Assert.Equal(1L, (long)summary["issuesFound"]!);
        Assert.Equal(1L, await Database.CountAsync("integrity_reports", "id = $1 AND trigger = 'Schedule' AND issue_count = 1", reportId));

        var latest = await GetJsonAsync($"{ChecksUrl}/latest");
        Assert.Equal(reportId.ToString(), (string?)latest["id"]);
        Assert.Equal("Schedule", (string?)latest["trigger"]);
        Assert.Equal(["balance_mismatch"], KindsOf(latest, customer.WalletId));
    }

    [Fact]
    public async Task Issues_found_are_logged_as_an_error_naming_the_count_and_the_kinds()
    {
        var (customer, _) = await CustomerWithPaymentsAsync();
        await CorruptAsync("UPDATE wallets SET balance = balance + 1, last_sequence = 9 WHERE id = $1", customer.WalletId);

        var report = await RunCheckAsync();

        var error = Assert.Single(_logs.Lines, l => l.Category == typeof(RunIntegrityCheckHandler).FullName && l.Level == LogLevel.Error
                                                    && l.Message.Contains((string)report["id"]!));
        Assert.Contains($"Integrity check {(string)report["id"]!} found 2 issue(s)", error.Message);
        Assert.Contains("balance_mismatch 1, last_sequence_mismatch 1", error.Message);
    }

    [Fact]
    public async Task A_clean_check_logs_no_error()
    {
        await CustomerWithPaymentsAsync();

        var report = await RunCheckAsync();

        AssertNoIssues(report);
        var lines = _logs.Lines.Where(l => l.Category == typeof(RunIntegrityCheckHandler).FullName && l.Message.Contains((string)report["id"]!)).ToList();
        Assert.Contains(lines, l => l.Level == LogLevel.Information && l.Message.Contains("no issues"));
        Assert.DoesNotContain(lines, l => l.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task A_scheduled_check_while_another_runs_is_skipped_recorded_as_such_and_the_next_one_is_the_full_check_it_owed()
    {
        var (customer, _) = await CustomerWithPaymentsAsync();
        var scheduler = Factory.Services.GetRequiredService<IJobScheduler>();

        await using (var running = await HoldCheckLockAsync())
        {
            await scheduler.TriggerNowAsync("integrity", CancellationToken.None);
            var skipped = await WaitForFinishedRunAsync("integrity");

            // Not a failure (nothing is wrong with the ledger, nothing is lost) and not retried: a run that says it skipped.
            Assert.Equal("Succeeded", skipped.Status);
            var summary = JsonNode.Parse(skipped.Summary!)!.AsObject();
            Assert.Null(summary["reportId"]);
            Assert.Equal("Full", (string?)summary["mode"]);
            Assert.Null(summary["walletsChecked"]);
            Assert.Null(summary["issuesFound"]);
            Assert.Contains("Another integrity check was running", (string?)summary["skipped"]);
            Assert.Equal(0L, await Database.CountAsync("integrity_reports"));
            Assert.Equal(0L, await Database.CountAsync("integrity_checkpoints"));
            Assert.Contains(_logs.Lines, l => l.Category == typeof(RunScheduledIntegrityCheckHandler).FullName && l.Level == LogLevel.Warning
                                              && l.Message.Contains("skipped: another integrity check was still running"));
        }

        await scheduler.TriggerNowAsync("integrity", CancellationToken.None);
        var next = await WaitForFinishedRunAsync("integrity", runs: 2);

        var ran = JsonNode.Parse(next.Summary!)!.AsObject();
        Assert.Null(ran["skipped"]);
        Assert.Equal("Full", (string?)ran["mode"]);
        Assert.Equal(4L, (long)ran["entriesChecked"]!);
        Assert.Equal(1L, await Database.CountAsync("integrity_reports", "id = $1 AND trigger = 'Schedule'", Guid.Parse((string)ran["reportId"]!)));
        Assert.Equal(1L, await Database.CountAsync("integrity_checkpoints", "wallet_id = $1", customer.WalletId));
    }

    private sealed record JobRun(string Status, string? Summary, string? Error);

    /// <summary>
    /// The latest run fired by "trigger now" (not by the job's own schedule, should its cron come round meanwhile), once
    /// <paramref name="runs"/> such runs have finished.
    /// </summary>
    private async Task<JobRun> WaitForFinishedRunAsync(string jobName, int runs = 1)
    {
        const string Finished = "job_name = $1 AND trigger_name = $2 AND status <> 'Running'";
        const string Latest = $"FROM job_runs WHERE {Finished} ORDER BY started_at DESC LIMIT 1";
        var scheduleTrigger = JobRunner.ManualTrigger;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (await Database.CountAsync("job_runs", Finished, jobName, scheduleTrigger) >= runs)
            {
                var status = await Database.ScalarAsync<string>($"SELECT status {Latest}", jobName, scheduleTrigger);
                var summary = await Database.ScalarAsync<string>($"SELECT coalesce(summary::text, '') {Latest}", jobName, scheduleTrigger);
                var error = await Database.ScalarAsync<string>($"SELECT coalesce(error, '') {Latest}", jobName, scheduleTrigger);
                if (status != "Succeeded")
                    Assert.Fail($"The {jobName} job run ended {status}: {error}");
                return new JobRun(status, summary.Length == 0 ? null : summary, error.Length == 0 ? null : error);
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"No finished {jobName} run was recorded within 60 s.");
    }
}
