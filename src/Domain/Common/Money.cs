namespace CleanWallet.Domain.Common;

/// <summary>Rules every amount of money obeys, wherever it comes from.</summary>
public static class Money
{
    /// <summary>Minor units per major unit: amounts carry at most two decimals.</summary>
    public const int Decimals = 2;

    /// <summary>Two decimals exactly (10 → 10.00, 10.010 → 10.01), so stored and answered amounts look alike.</summary>
    public static decimal Normalize(decimal amount) => decimal.Round(amount, Decimals) + 0.00m;

    public static bool HasAtMostTwoDecimals(decimal amount) => decimal.Round(amount, Decimals) == amount;

    /// <summary>A movement amount must be positive and expressible in cents.</summary>
    public static void EnsureValidAmount(decimal amount)
    {
        if (amount <= 0m)
            throw new DomainException(DomainErrorCodes.InvalidAmount, $"Amount must be greater than zero, was {amount}.");
        if (!HasAtMostTwoDecimals(amount))
            throw new DomainException(DomainErrorCodes.InvalidAmount, $"Amount must have at most two decimals, was {amount}.");
    }

    public static bool IsValidCurrency(string? currency) =>
        currency is { Length: 3 } && currency.All(c => c is >= 'A' and <= 'Z');

    public static void EnsureValidCurrency(string currency)
    {
        if (!IsValidCurrency(currency))
            throw new DomainException(DomainErrorCodes.InvalidArgument, $"Currency must be a three-letter ISO code in capitals, was '{currency}'.");
    }
}
