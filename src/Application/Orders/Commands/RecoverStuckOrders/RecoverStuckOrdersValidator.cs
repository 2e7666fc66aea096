using FluentValidation;

namespace CleanWallet.Application.Orders.Commands.RecoverStuckOrders;

public sealed class RecoverStuckOrdersValidator : AbstractValidator<RecoverStuckOrdersCommand>
{
    public const int MaxBatchSize = 1000;

    public RecoverStuckOrdersValidator()
    {
        RuleFor(c => c.BatchSize).InclusiveBetween(1, MaxBatchSize).When(c => c.BatchSize is not null)
            .WithMessage($"'batchSize' must be between 1 and {MaxBatchSize}.");
    }
}
