using CleanWallet.Domain.Common;

namespace CleanWallet.Domain.Tests.Common;

public class DomainExceptionTests
{
    [Fact]
    public void Defaults_to_rule_violation_with_empty_details()
    {
        var ex = new DomainException("some_code", "Some message.");

        Assert.Equal("some_code", ex.Code);
        Assert.Equal("Some message.", ex.Message);
        Assert.Equal(DomainErrorKind.RuleViolation, ex.Kind);
        Assert.Empty(ex.Details);
    }

    [Fact]
    public void Keeps_given_kind_and_details()
    {
        var details = new Dictionary<string, object?> { ["key"] = 42 };

        var ex = new DomainException("x", "m", DomainErrorKind.NotFound, details);

        Assert.Equal(DomainErrorKind.NotFound, ex.Kind);
        Assert.Equal(42, Assert.Contains("key", ex.Details));
    }
}
