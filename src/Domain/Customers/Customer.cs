using CleanWallet.Domain.Common;

namespace CleanWallet.Domain.Customers;

public enum BillingModel
{
    /// <summary>Prepaid: the wallet may never go below zero by the customer's own spending.</summary>
    Payg,
    /// <summary>Invoiced: the wallet may be spent down to minus its credit limit.</summary>
    Invoice,
}

public enum CustomerStatus
{
    Active,
    Suspended,
}

public sealed class Customer
{
    public const int MaxNameLength = 200;

    private Customer() { Name = string.Empty; }

    public Guid Id { get; private set; }
    public string Name { get; private set; }
    public BillingModel BillingModel { get; private set; }
    public Guid? ParentCustomerId { get; private set; }
    public CustomerStatus Status { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public static Customer Register(string name, BillingModel billingModel, Guid? parentCustomerId, DateTimeOffset now)
    {
        var trimmed = name?.Trim() ?? string.Empty;
        if (trimmed.Length == 0 || trimmed.Length > MaxNameLength)
            throw new DomainException(ErrorCodes.InvalidArgument, $"A customer name must have 1 to {MaxNameLength} characters.");

        return new Customer
        {
            Id = Guid.CreateVersion7(now),
            Name = trimmed,
            BillingModel = billingModel,
            ParentCustomerId = parentCustomerId,
            Status = CustomerStatus.Active,
            CreatedAt = now,
        };
    }
}
