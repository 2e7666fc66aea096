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
            throw new DomainException(ErrorCodes.InvalidArgument, "A staff key must have the ops or admin role.");
        return Create(role, null, name, keyHash, prefix, now);
    }

    public bool IsActive => RevokedAt is null;

    /// <summary>Revoked by an admin: any key, even a customer's last one (the admin can issue the customer a new key).</summary>
    public void Revoke(DateTimeOffset now)
    {
        if (!IsActive)
            throw new DomainException(ErrorCodes.Conflict, "The key is already revoked.", DomainErrorKind.Conflict);
        RevokedAt = now;
    }

    /// <summary>
    /// Revoked by the customer it belongs to. Refused (409 <c>last_active_key</c>) when no other key of the customer
    /// would still work: a customer cannot lock itself out. To rotate, it issues the new key first, then revokes the old.
    /// </summary>
    /// <param name="customersActiveKeys">Every active key of the customer, held locked so two revocations cannot both pass.</param>
    public void RevokeByItsCustomer(IEnumerable<ApiKey> customersActiveKeys, DateTimeOffset now)
    {
        if (CustomerId is null)
            throw new DomainException(ErrorCodes.InvalidArgument, "Only a customer's key can be revoked by a customer.");
        if (IsActive && !customersActiveKeys.Any(k => k.Id != Id && k.CustomerId == CustomerId && k.IsActive))
            throw new DomainException(ErrorCodes.LastActiveKey,
                "This is the customer's last active key: issue a new key before revoking it, or ask an admin.", DomainErrorKind.Conflict);
        Revoke(now);
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
