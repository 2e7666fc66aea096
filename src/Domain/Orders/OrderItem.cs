using CleanWallet.Domain.Common;

namespace CleanWallet.Domain.Orders;

/// <summary>One line of an order, as the fulfilment service is told about it. Descriptive only: the order's amount is what is charged.</summary>
public sealed record OrderItem(string Sku, int Quantity, decimal UnitPrice)
{
    public const int MaxSkuLength = 64;
    public const int MaxQuantity = 100_000;

    public static bool IsValidSku(string? sku) => !string.IsNullOrWhiteSpace(sku) && sku.Length <= MaxSkuLength;

    public static bool IsValidQuantity(int quantity) => quantity is >= 1 and <= MaxQuantity;

    /// <summary>Zero (a free item in a bundle) or positive, in cents.</summary>
    public static bool IsValidUnitPrice(decimal unitPrice) => unitPrice >= 0m && Money.HasAtMostTwoDecimals(unitPrice);

    internal void EnsureValid()
    {
        if (!IsValidSku(Sku))
            throw new DomainException(ErrorCodes.InvalidArgument, $"An item's sku must have 1 to {MaxSkuLength} characters.");
        if (!IsValidQuantity(Quantity))
            throw new DomainException(ErrorCodes.InvalidArgument, $"An item's quantity must be between 1 and {MaxQuantity}.");
        if (!IsValidUnitPrice(UnitPrice))
            throw new DomainException(ErrorCodes.InvalidArgument, "An item's unit price must be zero or positive, with at most two decimals.");
    }
}
