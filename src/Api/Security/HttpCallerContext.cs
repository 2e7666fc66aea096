using System.Security.Claims;
using CleanWallet.Application.Common.Security;
using CleanWallet.Domain.Access;

namespace CleanWallet.Api.Security;

/// <summary>The authenticated caller of the current HTTP request, for the Application layer.</summary>
public sealed class HttpCallerContext(IHttpContextAccessor accessor) : ICallerContext
{
    public const string IdempotencyHeader = "Idempotency-Key";

    private ClaimsPrincipal User => accessor.HttpContext?.User ?? new ClaimsPrincipal();

    public string CallerId => CustomerId is { } customer ? $"customer:{customer}" : $"key:{User.FindFirstValue(ApiClaims.KeyId)}";

    public string Actor => CustomerId is { } customer
        ? $"customer:{customer}"
        : $"{Role.ToString().ToLowerInvariant()}:{User.FindFirstValue(ApiClaims.KeyId)}";

    public CallerRole Role => Enum.TryParse<ApiKeyRole>(User.FindFirstValue(ClaimTypes.Role), out var role)
        ? role switch
        {
            ApiKeyRole.Admin => CallerRole.Admin,
            ApiKeyRole.Ops => CallerRole.Ops,
            _ => CallerRole.Customer,
        }
        : CallerRole.Customer;

    public string? KeyId => User.FindFirstValue(ApiClaims.KeyId);

    public Guid? CustomerId => Guid.TryParse(User.FindFirstValue(ApiClaims.CustomerId), out var id) ? id : null;

    public string? IdempotencyKey
    {
        get
        {
            var value = accessor.HttpContext?.Request.Headers[IdempotencyHeader].ToString();
            return string.IsNullOrEmpty(value) ? null : value;
        }
    }

    public string? RequestId => accessor.HttpContext?.TraceIdentifier;

    private Guid? _operationId;

    /// <summary>Made on first use: most requests (every read, every keyed command) never ask for it.</summary>
    public Guid OperationId => _operationId ??= Guid.NewGuid();
}
