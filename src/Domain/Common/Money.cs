using System.Collections.Frozen;

namespace CleanWallet.Domain.Common;

/// <summary>
/// An amount of money in one currency, validated once where it is made: positive, at most two decimals, an active
/// ISO 4217 currency. Movements of a wallet take a <see cref="Money"/>, so an amount can never reach a ledger without
/// its currency, and a wallet refuses money of another currency. The static members are the same rules for the places
/// that check a bare amount (validators, settings).
/// </summary>
public readonly record struct Money
{
    private Money(decimal amount, string currency)
    {
        Amount = amount;
        Currency = currency;
    }

    /// <summary>Always two decimals (10 → 10.00).</summary>
    public decimal Amount { get; }

    /// <summary>An active ISO 4217 code in capitals.</summary>
    public string Currency { get; }

    /// <summary>A positive amount with at most two decimals in a valid currency; 422 otherwise.</summary>
    public static Money Of(decimal amount, string currency)
    {
        EnsureValidAmount(amount);
        EnsureValidCurrency(currency);
        return new Money(Normalize(amount), currency);
    }

    /// <summary>The smaller of this and <paramref name="other"/> (same currency).</summary>
    public Money Min(Money other)
    {
        EnsureSameCurrency(other);
        return Amount <= other.Amount ? this : other;
    }

    public void EnsureSameCurrency(Money other) => EnsureCurrency(other.Currency);

    /// <summary>Refuses money of another currency than <paramref name="currency"/> (422 currency_mismatch).</summary>
    public void EnsureCurrency(string currency)
    {
        if (!string.Equals(Currency, currency, StringComparison.Ordinal))
            throw new DomainException(ErrorCodes.CurrencyMismatch,
                $"An amount in {Currency} cannot be used where {currency} is held.",
                details: new Dictionary<string, object?> { ["currency"] = Currency, ["expectedCurrency"] = currency });
    }

    public override string ToString() => $"{Amount:0.00} {Currency}";

    /// <summary>Minor units per major unit: amounts carry at most two decimals.</summary>
    public const int Decimals = 2;

    /// <summary>Two decimals exactly (10 → 10.00, 10.010 → 10.01), so stored and answered amounts look alike.</summary>
    public static decimal Normalize(decimal amount) => decimal.Round(amount, Decimals) + 0.00m;

    public static bool HasAtMostTwoDecimals(decimal amount) => decimal.Round(amount, Decimals) == amount;

    /// <summary>A movement amount must be positive and expressible in cents.</summary>
    public static void EnsureValidAmount(decimal amount)
    {
        if (amount <= 0m)
            throw new DomainException(ErrorCodes.InvalidAmount, $"Amount must be greater than zero, was {amount}.");
        if (!HasAtMostTwoDecimals(amount))
            throw new DomainException(ErrorCodes.InvalidAmount, $"Amount must have at most two decimals, was {amount}.");
    }

    /// <summary>An active ISO 4217 currency code, in capitals (ZAR, USD, EUR). The one currency rule of the service.</summary>
    public static bool IsValidCurrency(string? currency) => currency is not null && ActiveIso4217Codes.Contains(currency);

    public static void EnsureValidCurrency(string currency)
    {
        if (!IsValidCurrency(currency))
            throw new DomainException(ErrorCodes.InvalidArgument, $"Currency must be an active ISO 4217 code in capitals, was '{currency}'.");
    }

    /// <summary>
    /// ISO 4217 list one, the active alphabetic codes (2025): every national and regional currency and the fund codes
    /// (BOV, CHE, CLF, USN, …). Left out are codes that are not money one can hold in a wallet: precious metals (XAU, XAG,
    /// XPD, XPT), bond-market and accounting units (XBA–XBD, XDR, XSU, XUA) and the test and "no currency" codes (XTS,
    /// XXX), and withdrawn codes (HRK, ANG, ZWL). The runtime runs with invariant globalization, so it has no table of its own.
    /// </summary>
    private static readonly FrozenSet<string> ActiveIso4217Codes = FrozenSet.Create(StringComparer.Ordinal,
    [
        "AED", "AFN", "ALL", "AMD", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BOV", "BRL",
        "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUC", "CUP", "CVE", "CZK",
        "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL",
        "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT",
        "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR",
        "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF",
        "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SLL", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND",
        "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED", "VES", "VND", "VUV", "WST", "XAF", "XCD",
        "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG",
    ]);
}
