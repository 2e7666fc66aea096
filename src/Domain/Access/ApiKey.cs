using CleanWallet.Domain.Common;

namespace CleanWallet.Domain.Access;

public enum ApiKeyRole
{
    Customer,
    Ops,
    Admin,
}

/// <summary>An API key as stored: only its hash, never the key itself.</summary>
public sealed class ApiKey
{
    private ApiKey()
    {
        Name = string.Empty;
        KeyHash = string.Empty;
        Prefix = string.Empty;
    }

    public Guid Id { get; private set; }
    public string Name { get; private set; }
    public ApiKeyRole Role { get; private set; }
    public Guid? CustomerId { get; private set; }
    public string KeyHash { get; private set; }
    /// <summary>The first characters of the key, so staff can tell keys apart without the secret.</summary>
    public string Prefix { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? RevokedAt { get; private set; }

    public static ApiKey ForCustomer(Guid customerId, string name, string keyHash, string prefix, DateTimeOffset now) =>
        Create(ApiKeyRole.Customer, customerId, name, keyHash, prefix, now);

    public static ApiKey ForStaff(ApiKeyRole role, string name, string keyHash, string prefix, DateTimeOffset now)
    {
        if (role == ApiKeyRole.Customer)
            throw new DomainException(DomainErrorCodes.InvalidArgument, "A staff key must have the ops or admin role.");
        return Create(role, null, name, keyHash, prefix, now);
    }

    public void Revoke(DateTimeOffset now)
    {
        if (RevokedAt is not null)
            throw new DomainException(DomainErrorCodes.InvalidState, "The key is already revoked.", DomainErrorKind.Conflict);
        RevokedAt = now;
    }

    private static ApiKey Create(ApiKeyRole role, Guid? customerId, string name, string keyHash, string prefix, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        Role = role,
        CustomerId = customerId,
        Name = name,
        KeyHash = keyHash,
        Prefix = prefix,
        CreatedAt = now,
    };
}
