using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Infrastructure.Scheduling;

namespace CleanWallet.Api.Tests.Operations;

/// <summary>"Run now" with the clustered scheduler started on this node: the run is recorded and succeeds.</summary>
public sealed class JobTriggerTests(TestDatabase database) : OperationsTestBase(database)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    protected override ApiFactory CreateFactory() =>
        ApiFactory.StartOnKestrel(Database.ConnectionString, settings: new Dictionary<string, string?> { ["Scheduling:Enabled"] = "true" });

    public static TheoryData<string> RegisteredJobs => [.. RecurringJobs.All.Select(job => job.Name)];

    [Theory]
    [MemberData(nameof(RegisteredJobs))]
    public async Task Triggering_a_job_runs_it_once_now_and_the_history_shows_it_succeeded(string job)
    {
        var before = DateTimeOffset.UtcNow;
        var response = await AdminClient().PostAsync($"{Jobs}/{job}/trigger", null);

        await AssertStatus(response, HttpStatusCode.Accepted);
        Assert.Equal($"{Jobs}/runs?job={job}", response.Headers.Location?.OriginalString);
        var body = await ReadJson(response);
        Assert.Equal(job, (string?)body["job"]);
        Assert.True(DateTimeOffset.Parse((string)body["triggeredAt"]!) > DateTimeOffset.UtcNow.AddMinutes(-1));

        AssertSucceeded(await WaitForManualRunAsync(job, before, RunTimeout));

        var runs = await AdminClient().GetAsync($"{Jobs}/runs?job={job}&status=succeeded");
        await AssertStatus(runs, HttpStatusCode.OK);
        var run = (await ReadJson(runs))["items"]!.AsArray().Select(r => r!.AsObject())
            .First(r => (string)r["triggerName"]! == "manual");
        Assert.Equal(job, (string?)run["jobName"]);
        Assert.NotNull(run["finishedAt"]);
        Assert.True((long)run["durationMilliseconds"]! >= 0);
        // Every job reports what it did.
        Assert.Equal(JsonValueKind.Object, run["summary"]!.GetValueKind());
        Assert.Null(run["error"]);
    }

    [Fact]
    public async Task An_ops_key_may_trigger_a_job()
    {
        var ops = await CreateStaffKeyAsync("ops");
        var before = DateTimeOffset.UtcNow;

        await AssertStatus(await Client(ops.Key).PostAsync($"{Jobs}/housekeeping/trigger", null), HttpStatusCode.Accepted);

        AssertSucceeded(await WaitForManualRunAsync("housekeeping", before, RunTimeout));
    }

    [Fact]
    public async Task The_nodes_list_shows_this_node_checking_in()
    {
        var response = await AdminClient().GetAsync(Jobs + "/nodes");

        await AssertStatus(response, HttpStatusCode.OK);
        var nodes = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray().Select(n => n!.AsObject()).ToList();
        var self = Assert.Single(nodes, n => (bool)n["isCurrentNode"]!);
        Assert.False(string.IsNullOrEmpty((string?)self["instanceId"]));
        Assert.True(DateTimeOffset.Parse((string)self["lastCheckInAt"]!) > DateTimeOffset.UtcNow.AddMinutes(-2));
    }
}
