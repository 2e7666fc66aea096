using System.Runtime.CompilerServices;

// The ledger mechanics under the named movements (Credit, Debit) are tested directly too.
[assembly: InternalsVisibleTo("CleanWallet.Domain.Tests")]
