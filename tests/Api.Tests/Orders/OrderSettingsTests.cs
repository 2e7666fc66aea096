using System.Net;
using System.Text.Json.Nodes;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Infrastructure.Scheduling;

namespace CleanWallet.Api.Tests.Orders;

/// <summary>Order settings that cannot keep the money safe stop the API at start, naming the setting.</summary>
public sealed class OrderSettingsTests(TestDatabase database) : ApiTestBase(database)
{
    [Theory]
    [InlineData("60", "60", "Orders:HoldExpiryMinutes")]
    [InlineData("60", "30", "Orders:HoldExpiryMinutes")]
    [InlineData("0", "180", "Orders:HoldExpiryMinutes")]
    public void A_hold_expiry_not_later_than_the_fulfilment_deadline_stops_the_api_from_starting(string deadline, string holdExpiry, string named)
    {
        var ex = Assert.ThrowsAny<Exception>(() => ApiFactory.StartOnKestrel(Database.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Orders:FulfilmentDeadlineMinutes"] = deadline,
            ["Orders:HoldExpiryMinutes"] = holdExpiry,
        }).Dispose());

        Assert.Contains(named, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_lease_shorter_than_one_whole_fulfilment_call_stops_the_api_from_starting()
    {
        var ex = Assert.ThrowsAny<Exception>(() => ApiFactory.StartOnKestrel(Database.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Fulfilment:TimeoutSeconds"] = "5",
            ["Fulfilment:MaxAttempts"] = "3",
            ["Fulfilment:LeaseSeconds"] = "15",
        }).Dispose());

        Assert.Contains("Fulfilment:LeaseSeconds", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_default_settings_start_and_list_the_order_recovery_job()
    {
        var response = await AdminClient().GetAsync("/api/v1/admin/jobs");

        await AssertStatus(response, HttpStatusCode.OK);
        var job = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray()
            .Single(j => (string?)j!["name"] == "order-recovery")!;
        Assert.Equal(new SchedulingOptions().OrderRecoveryCron, (string?)job["schedule"]);
    }
}
