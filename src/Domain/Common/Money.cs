using System.Collections.Frozen;

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

    /// <summary>An active ISO 4217 currency code, in capitals (ZAR, USD, EUR). The one currency rule of the service.</summary>
    public static bool IsValidCurrency(string? currency) => currency is not null && ActiveIso4217Codes.Contains(currency);

    public static void EnsureValidCurrency(string currency)
    {
        if (!IsValidCurrency(currency))
            throw new DomainException(DomainErrorCodes.InvalidArgument, $"Currency must be an active ISO 4217 code in capitals, was '{currency}'.");
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
