using CleanWallet.Application.Common;
using CleanWallet.Domain.Orders;
using FluentValidation;

namespace CleanWallet.Application.Orders.Commands.CreateOrder;

public sealed class CreateOrderValidator : AbstractValidator<CreateOrderCommand>
{
    public CreateOrderValidator()
    {
        RuleFor(c => c.WalletId).NotEmpty().WithMessage("'walletId' is required.");
        RuleFor(c => c.Amount).ValidAmount();
        RuleFor(c => c.Description).RequiredText("description", Order.MaxDescriptionLength);
        RuleFor(c => c.Items!.Count).LessThanOrEqualTo(Order.MaxItems)
            .WithMessage($"'items' may have at most {Order.MaxItems} entries.")
            .OverridePropertyName("items")
            .When(c => c.Items is not null);
        // Each line is checked on its own, so every bad one is named (items[2].quantity).
        RuleForEach(c => c.Items)
            .NotNull().WithMessage("An item cannot be null.")
            .ChildRules(item =>
            {
                item.RuleFor(i => i!.Sku).Must(OrderItem.IsValidSku).OverridePropertyName("sku")
                    .WithMessage($"'sku' is required and may have at most {OrderItem.MaxSkuLength} characters.");
                item.RuleFor(i => i!.Quantity).Must(q => q is { } quantity && OrderItem.IsValidQuantity(quantity))
                    .OverridePropertyName("quantity")
                    .WithMessage($"'quantity' is required and must be between 1 and {OrderItem.MaxQuantity}.");
                item.RuleFor(i => i!.UnitPrice).Must(p => p is { } price && OrderItem.IsValidUnitPrice(price))
                    .OverridePropertyName("unitPrice")
                    .WithMessage("'unitPrice' is required, zero or positive, with at most two decimals.");
            })
            .OverridePropertyName("items")
            .When(c => c.Items is not null && c.Items.Count <= Order.MaxItems);
    }
}
