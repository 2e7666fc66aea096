using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text.Json.Nodes;
using CleanWallet.Api.Security;
using CleanWallet.Api.Tests.Infrastructure;
using CleanWallet.Application.Orders.Commands.CreateOrder;
using CleanWallet.Application.Orders.Commands.RecoverStuckOrders;
using MediatR;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CleanWallet.Api.Tests.Orders;

/// <summary>
/// The API with <c>Fulfilment:BaseUrl</c> pointing at a <see cref="FakeFulfilmentServer"/> (short timeouts and
/// backoff, so failure paths stay fast), a clock the test moves, and no scheduler firing (Testing): tests run the
/// order-recovery job's command themselves.
/// </summary>
public abstract class OrderTestBase(TestDatabase database) : ApiTestBase(database)
{
    protected const string OrdersUrl = "/api/v1/orders";
    protected const int MaxAttempts = 3;
    protected const int RetryBaseDelayMilliseconds = 50;
    protected const int RecoverAfterSeconds = 300;
    protected const int CancellationWindowMinutes = 30;
    protected const int LeaseSeconds = 60;
    protected const int FulfilmentDeadlineMinutes = 60;
    protected const int HoldExpiryMinutes = 180;

    protected MutableClock Clock { get; } = new(new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.Zero));
    protected FakeFulfilmentServer Fulfilment { get; private set; } = null!;

    /// <summary>Extra services for the API (e.g. a commit interceptor injecting faults).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    protected override ApiFactory CreateFactory() =>
        ApiFactory.StartOnKestrel(Database.ConnectionString, services =>
            {
                services.AddSingleton<TimeProvider>(Clock);
                ConfigureServices(services);
            },
            new Dictionary<string, string?>
            {
                ["Fulfilment:BaseUrl"] = Fulfilment.BaseUrl,
                ["Fulfilment:TimeoutSeconds"] = "1",
                ["Fulfilment:MaxAttempts"] = MaxAttempts.ToString(CultureInfo.InvariantCulture),
                ["Fulfilment:RetryBaseDelayMilliseconds"] = RetryBaseDelayMilliseconds.ToString(CultureInfo.InvariantCulture),
                ["Fulfilment:RecoverAfterSeconds"] = RecoverAfterSeconds.ToString(CultureInfo.InvariantCulture),
                ["Fulfilment:LeaseSeconds"] = LeaseSeconds.ToString(CultureInfo.InvariantCulture),
                ["Orders:CancellationWindowMinutes"] = CancellationWindowMinutes.ToString(CultureInfo.InvariantCulture),
                ["Orders:FulfilmentDeadlineMinutes"] = FulfilmentDeadlineMinutes.ToString(CultureInfo.InvariantCulture),
                ["Orders:HoldExpiryMinutes"] = HoldExpiryMinutes.ToString(CultureInfo.InvariantCulture),
            });

    public override async Task InitializeAsync()
    {
        Fulfilment = await FakeFulfilmentServer.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            await Fulfilment.DisposeAsync();
        }
    }

    protected static string OrderUrl(Guid orderId) => $"{OrdersUrl}/{orderId}";

    protected static Guid IdOf(JsonObject json) => Guid.Parse((string)json["id"]!);

    protected Task<HttpResponseMessage> PlaceOrderAsync(TestCustomer customer, decimal amount, string description = "Two VM credit packs",
        string? idempotencyKey = null, HttpClient? client = null) =>
        (client ?? Client(customer.ApiKey)).SendAsync(Post(OrdersUrl, new { walletId = customer.WalletId, amount, description }, idempotencyKey));

    /// <summary>Places an order that the (healthy) fake fulfils; returns the 201 body.</summary>
    protected async Task<JsonObject> CompletedOrderAsync(TestCustomer customer, decimal amount, string? idempotencyKey = null)
    {
        var response = await PlaceOrderAsync(customer, amount, idempotencyKey: idempotencyKey);
        await AssertStatus(response, HttpStatusCode.Created);
        var order = await ReadJson(response);
        Assert.Equal("Completed", (string?)order["status"]);
        return order;
    }

    /// <summary>A customer with a PAYG wallet topped up with <paramref name="balance"/>.</summary>
    protected async Task<TestCustomer> FundedCustomerAsync(decimal balance = 100m, string name = "Acme")
    {
        var customer = await CreateCustomerAsync(name: name);
        await TopUpAsync(customer.WalletId, balance);
        return customer;
    }

    protected async Task<JsonObject> GetOrderAsync(Guid orderId)
    {
        var response = await AdminClient().GetAsync(OrderUrl(orderId));
        await AssertStatus(response, HttpStatusCode.OK);
        return await ReadJson(response);
    }

    protected async Task<decimal> BalanceAsync(Guid walletId) => (decimal)(await GetWalletAsync(walletId))["balance"]!;

    protected async Task<decimal> AvailableAsync(Guid walletId) => (decimal)(await GetWalletAsync(walletId))["available"]!;

    /// <summary>The status of the hold that reserves the order's amount (null: no hold).</summary>
    protected Task<string?> HoldStatusAsync(Guid orderId) =>
        Database.ScalarAsync<string?>("SELECT status FROM holds WHERE order_id = $1", orderId);

    /// <summary>
    /// The state a crash between the endpoint's two steps leaves: the order and its hold committed, fulfilment never asked. The
    /// endpoint's first command is sent alone through the API's own mediator, as the customer (its claims on an
    /// ambient HttpContext, which is where the API's caller context reads them), so nothing else is faked.
    /// </summary>
    protected async Task<Guid> PlacedButNotFulfilledOrderAsync(TestCustomer customer, decimal amount, string description = "Held, then the node died")
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var accessor = scope.ServiceProvider.GetRequiredService<IHttpContextAccessor>();
        var identity = new ClaimsIdentity(
        [
            new Claim(ApiClaims.KeyId, Guid.NewGuid().ToString()),
            new Claim(ClaimTypes.Role, "Customer"),
            new Claim(ClaimTypes.Name, "test customer key"),
            new Claim(ApiClaims.CustomerId, customer.CustomerId.ToString()),
        ], ApiKeyAuthenticationHandler.SchemeName);
        accessor.HttpContext = new DefaultHttpContext { User = new ClaimsPrincipal(identity), RequestServices = scope.ServiceProvider };
        try
        {
            var order = await scope.ServiceProvider.GetRequiredService<IMediator>()
                .Send(new CreateOrderCommand(customer.WalletId, amount, description, null));
            Assert.Equal("Fulfilling", order.Status);
            return order.Id;
        }
        finally
        {
            accessor.HttpContext = null;
        }
    }

    /// <summary>One run of the recovery step, sent the way the order-recovery job sends it.</summary>
    protected Task<OrderRecoveryReport> RecoverAsync() => SendCommandAsync(new RecoverStuckOrdersCommand());

    /// <summary>A command sent through the API's mediator in a scope of its own, as a job sends it (no HTTP request).</summary>
    protected async Task<T> SendCommandAsync<T>(IRequest<T> request)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request);
    }

    /// <summary>Balance = sum of the ledger, and sequences run 1..n without a gap.</summary>
    protected async Task AssertLedgerReconcilesAsync(Guid walletId)
    {
        Assert.Equal(0m, await Database.ScalarAsync<decimal>(
            "SELECT w.balance - coalesce(sum(CASE e.direction WHEN 'Credit' THEN e.amount ELSE -e.amount END), 0) " +
            "FROM wallets w LEFT JOIN ledger_entries e ON e.wallet_id = w.id WHERE w.id = $1 GROUP BY w.balance", walletId));
        Assert.True(await Database.ScalarAsync<bool>(
            "SELECT count(*) = coalesce(max(sequence), 0) AND count(DISTINCT sequence) = count(*) FROM ledger_entries WHERE wallet_id = $1",
            walletId));
    }

    /// <summary>
    /// The order's payment was given back in full to its wallet: payment Refunded, one refund naming a Refund entry of
    /// the whole amount that references the payment.
    /// </summary>
    protected async Task AssertFullyRefundedAsync(JsonObject order)
    {
        var paymentId = Guid.Parse((string)order["paymentId"]!);
        var amount = (decimal)order["amount"]!;
        Assert.Equal("Refunded", (string?)order["paymentStatus"]);
        Assert.Equal(amount, (decimal)order["refundedAmount"]!);
        Assert.Equal(1L, await Database.CountAsync("payments", "id = $1 AND status = 'Refunded' AND refunded_amount = amount", paymentId));
        Assert.Equal(1L, await Database.CountAsync("refunds r JOIN ledger_entries e ON e.id = r.ledger_entry_id",
            "r.payment_id = $1 AND r.amount = $2 AND e.type = 'Refund' AND e.amount = $2 AND e.reference_type = 'payment' AND e.reference_id = $1",
            paymentId, amount));
        Assert.Equal(1L, await Database.CountAsync("refunds", "payment_id = $1", paymentId));
    }
}
