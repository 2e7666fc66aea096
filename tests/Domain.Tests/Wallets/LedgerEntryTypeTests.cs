using CleanWallet.Domain.Wallets;

namespace CleanWallet.Domain.Tests.Wallets;

public class LedgerEntryTypeTests
{
    [Theory]
    [InlineData(LedgerEntryType.Deposit, LedgerDirection.Credit)]
    [InlineData(LedgerEntryType.Payment, LedgerDirection.Debit)]
    [InlineData(LedgerEntryType.Refund, LedgerDirection.Credit)]
    [InlineData(LedgerEntryType.TransferIn, LedgerDirection.Credit)]
    [InlineData(LedgerEntryType.TransferOut, LedgerDirection.Debit)]
    [InlineData(LedgerEntryType.AdjustmentCredit, LedgerDirection.Credit)]
    [InlineData(LedgerEntryType.AdjustmentDebit, LedgerDirection.Debit)]
    [InlineData(LedgerEntryType.UsageCharge, LedgerDirection.Debit)]
    public void Direction_of_each_entry_type(LedgerEntryType type, LedgerDirection expected)
    {
        Assert.Equal(expected, type.Direction());
    }

    [Fact]
    public void Every_entry_type_has_a_direction_and_is_covered_above()
    {
        // Guards the theory above: a new enum member must get a direction (and a row there).
        var all = Enum.GetValues<LedgerEntryType>();

        Assert.Equal(8, all.Length);
        Assert.All(all, t => Assert.True(Enum.IsDefined(t.Direction())));
    }

    [Fact]
    public void Unknown_entry_type_throws()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ((LedgerEntryType)999).Direction());

        Assert.Equal("type", ex.ParamName);
    }

    [Fact]
    public void ForPayment_builds_a_payment_reference()
    {
        var id = Guid.NewGuid();

        var reference = LedgerReference.ForPayment(id);

        Assert.Equal("payment", reference.Type);
        Assert.Equal(id, reference.Id);
        Assert.Equal(new LedgerReference(LedgerReference.Payment, id), reference);
    }
}
