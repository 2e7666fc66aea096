using CleanWallet.Application.Common.Security;

namespace CleanWallet.Simulator;

/// <summary>
/// Who sends a simulated command, in place of the API's <c>HttpCallerContext</c>: one per DI scope (one per request, as
/// over HTTP), set by the simulation before it sends. Customers act as themselves (their idempotency keys scoped to
/// <c>customer:{id}</c>, as with a customer API key); staff actions are an admin's (<c>key:simulator-admin</c>).
/// </summary>
public sealed class SimulatedCaller : ICallerContext
{
    public const string AdminKeyId = "simulator-admin";

    public Guid? CustomerId { get; private set; }

    public CallerRole Role { get; private set; } = CallerRole.Admin;

    public string CallerId => CustomerId is { } customer ? $"customer:{customer}" : $"key:{AdminKeyId}";

    public string Actor => CustomerId is { } customer ? $"customer:{customer}" : $"admin:{AdminKeyId}";

    public string? KeyId => CustomerId is null ? AdminKeyId : $"simulated-key:{CustomerId}";

    public string? IdempotencyKey { get; private set; }

    public string? RequestId { get; private set; }

    public Guid OperationId { get; private set; } = Guid.NewGuid();

    public void ActAsCustomer(Guid customerId, string? idempotencyKey, Guid operationId)
    {
        CustomerId = customerId;
        Role = CallerRole.Customer;
        Set(idempotencyKey, operationId);
    }

    public void ActAsAdmin(string? idempotencyKey, Guid operationId)
    {
        CustomerId = null;
        Role = CallerRole.Admin;
        Set(idempotencyKey, operationId);
    }

    private void Set(string? idempotencyKey, Guid operationId)
    {
        IdempotencyKey = idempotencyKey;
        OperationId = operationId;
        RequestId = $"sim-{operationId:N}";
    }
}
