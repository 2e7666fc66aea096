using CleanWallet.Domain.Common;

namespace CleanWallet.Domain.Tests.Common;

public class MoneyTests
{
    public static TheoryData<decimal> ValidAmounts => new() { 0.01m, 1m, 1.5m, 10.00m, 10.01m, 999_999_999.99m };

    public static TheoryData<decimal> NonPositiveAmounts => new() { 0m, -0.01m, -1m, -100.00m };

    public static TheoryData<decimal> TooPreciseAmounts => new() { 0.001m, 10.005m, 1.999m, 0.0001m };

    [Theory]
    [MemberData(nameof(ValidAmounts))]
    public void EnsureValidAmount_accepts_positive_amounts_with_at_most_two_decimals(decimal amount)
    {
        var ex = Record.Exception(() => Money.EnsureValidAmount(amount));

        Assert.Null(ex);
    }

    [Theory]
    [MemberData(nameof(NonPositiveAmounts))]
    public void EnsureValidAmount_rejects_zero_and_negative_amounts(decimal amount)
    {
        var ex = Assert.Throws<DomainException>(() => Money.EnsureValidAmount(amount));

        Assert.Equal("invalid_amount", ex.Code);
        Assert.Equal(DomainErrorKind.RuleViolation, ex.Kind);
    }

    [Theory]
    [MemberData(nameof(TooPreciseAmounts))]
    public void EnsureValidAmount_rejects_more_than_two_decimals(decimal amount)
    {
        var ex = Assert.Throws<DomainException>(() => Money.EnsureValidAmount(amount));

        Assert.Equal("invalid_amount", ex.Code);
    }

    [Theory]
    [InlineData(1.23, true)]
    [InlineData(1.2, true)]
    [InlineData(5, true)]
    [InlineData(0, true)]
    [InlineData(-1.25, true)]
    [InlineData(1.234, false)]
    [InlineData(-0.001, false)]
    public void HasAtMostTwoDecimals_counts_decimals(double value, bool expected)
    {
        Assert.Equal(expected, Money.HasAtMostTwoDecimals((decimal)value));
    }

    [Fact]
    public void HasAtMostTwoDecimals_accepts_trailing_zero_beyond_second_decimal()
    {
        // 10.010 has scale 3 but its value is expressible in cents.
        Assert.True(Money.HasAtMostTwoDecimals(10.010m));
    }

    [Theory]
    [InlineData("EUR")]
    [InlineData("USD")]
    [InlineData("CHF")]
    [InlineData("ZAR")]
    [InlineData("JPY")]
    [InlineData("XOF")]
    [InlineData("ZWG")]
    public void An_active_ISO_4217_code_is_a_valid_currency(string currency)
    {
        Assert.True(Money.IsValidCurrency(currency));
        Assert.Null(Record.Exception(() => Money.EnsureValidCurrency(currency)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("EU")]
    [InlineData("EURO")]
    [InlineData("eur")]
    [InlineData("Eur")]
    [InlineData("E1R")]
    [InlineData(" EU")]
    [InlineData("ÄUR")]
    [InlineData("QQQ")]
    [InlineData("ABC")]
    [InlineData("XXX")]
    [InlineData("XTS")]
    [InlineData("XAU")]
    [InlineData("HRK")]
    public void Invalid_currency_is_rejected_with_invalid_argument(string currency)
    {
        Assert.False(Money.IsValidCurrency(currency));

        var ex = Assert.Throws<DomainException>(() => Money.EnsureValidCurrency(currency));
        Assert.Equal("invalid_argument", ex.Code);
    }

    [Fact]
    public void Null_currency_is_invalid()
    {
        Assert.False(Money.IsValidCurrency(null));

        var ex = Assert.Throws<DomainException>(() => Money.EnsureValidCurrency(null!));
        Assert.Equal("invalid_argument", ex.Code);
    }
}
