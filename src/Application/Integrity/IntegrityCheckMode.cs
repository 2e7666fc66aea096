namespace CleanWallet.Application.Integrity;

/// <summary>How much an integrity check reads; kept with its report.</summary>
public enum IntegrityCheckMode
{
    /// <summary>Every wallet's ledger walked from its first entry, every entry paired with its record, every other check whole.</summary>
    Full,

    /// <summary>
    /// Each wallet's ledger walked only past its checkpoint (the last entry a check proved sound), the entries' links only for
    /// those new entries (and the entries the payments, refunds, transfers and adjustments name); every other check whole.
    /// It finds whatever breaks in what was appended or changed since, but not an old entry altered behind the
    /// append-only trigger: that is the full check's job (<see cref="IntegrityOptions.FullCheckEvery"/>).
    /// </summary>
    Incremental,
}
