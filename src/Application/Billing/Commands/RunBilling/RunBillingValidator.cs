using FluentValidation;

namespace CleanWallet.Application.Billing.Commands.RunBilling;

public sealed class RunBillingValidator : AbstractValidator<RunBillingCommand>
{
    /// <summary>billing_runs.node_id holds at most this many characters.</summary>
    public const int MaxNodeIdLength = 200;

    public RunBillingValidator()
    {
        RuleFor(c => c.NodeId).MaximumLength(MaxNodeIdLength)
            .WithMessage($"'nodeId' may have at most {MaxNodeIdLength} characters.");
    }
}
