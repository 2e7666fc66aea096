using Kinds = CleanWallet.Application.Integrity.IntegrityIssueKinds;

namespace CleanWallet.Infrastructure.Integrity;

/// <summary>
/// The integrity checks as set-based SQL. Each issue query returns (wallet_id, kind, detail) rows; none loads the ledger
/// into the application. They run in one REPEATABLE READ READ ONLY transaction, so they all see the same snapshot.
/// </summary>
internal static class IntegritySql
{
    /// <summary>Set wallet payments and card top-ups Paid or refunded: each must have moved its wallet.</summary>
    private const string MovedWallet = "('Paid', 'PartiallyRefunded', 'Refunded')";

    /// <summary>A timestamp in a detail, the same whatever the session's time zone.</summary>
    private const string UtcFormat = "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'";

    public const string Counts = """
        SELECT (SELECT count(*) FROM wallets),
               (SELECT count(*) FROM ledger_entries),
               (SELECT count(*) FROM payments WHERE wallet_id IS NOT NULL)
        """;

    /// <summary>
    /// The entries an incremental check walks: each wallet's entries past its checkpoint (all of them for a wallet without
    /// one). Index range scans of the (wallet_id, sequence) key, one per wallet. ledger_entries is append-only (trigger,
    /// migration 0007) and (wallet_id, sequence) unique, and a checkpoint is written only for a wallet whose sequences
    /// 1…S were proven gapless, so every entry appended since (whatever its id, created_at or commit order) has a sequence
    /// above S: nothing is skipped. Alias <c>e</c> is the entry, <c>c</c> the checkpoint (NULL columns when none).
    /// The LATERAL … OFFSET 0 keeps the planner from joining the whole ledger and filtering it (it cannot tell that the
    /// range past a checkpoint is short): one range scan per wallet, so the cost follows what was appended, not the ledger.
    /// </summary>
    private const string EntriesPastCheckpoints = """
        wallets cw
        LEFT JOIN integrity_checkpoints c ON c.wallet_id = cw.id
        CROSS JOIN LATERAL (SELECT x.* FROM ledger_entries x WHERE x.wallet_id = cw.id AND x.sequence > coalesce(c.sequence, 0) OFFSET 0) e
        """;

    /// <summary>Counts for an incremental check: entries are those it walks (<see cref="EntriesPastCheckpoints"/>).</summary>
    public const string CountsIncremental = $$"""
        SELECT (SELECT count(*) FROM wallets),
               (SELECT count(*) FROM {{EntriesPastCheckpoints}}),
               (SELECT count(*) FROM payments WHERE wallet_id IS NOT NULL)
        """;

    /// <summary>
    /// One ordered pass over the ledger per wallet (window functions; an index-only scan of the (wallet_id, sequence) key,
    /// which carries the money columns, see migration 0011): entry arithmetic, gapless sequences and the balance chain,
    /// time order (each entry stamped no earlier than the one before it; created_at is in the index since migration 0016),
    /// plus each wallet's last entry, compared with the wallet row. Only flagged entries and each wallet's last entry leave
    /// the pass; flagged entries are read again by key for their details.
    /// The pass keeps no running sum or count (a numeric running sum per entry was more than half its cost): a wallet none
    /// of whose entries is flagged has a sound chain — entry 1 starts from 0.00, each starts where the one before ended
    /// and moves by its own amount (a Credit up, a Debit down), sequences run 1…n — so its entries sum to exactly its last
    /// entry's balance_after and number exactly its last sequence (the sum telescopes). Only the wallets with a flagged entry,
    /// and ledger wallet ids with no wallet row, are summed and counted again (index range scans of the same key); so
    /// balance_mismatch compares the balance with the true sum of the entries in every case, as before.
    /// <para>
    /// Incremental (<paramref name="incremental"/>): the walk covers only <see cref="EntriesPastCheckpoints"/>, and each
    /// wallet's first walked entry is compared with its checkpoint — the entry before it, proven by an earlier check — as
    /// if that entry had been walked too: sequence S + 1, balance_before = the checkpoint's balance_after, stamped no
    /// earlier. A wallet with no new entry has the checkpoint as its last entry. Since the checkpoint's balance_after was
    /// proven equal to the sum of entries 1…S, and the entries since chain on from it, the telescoping argument above
    /// still gives balance = ledger sum for every wallet with no flagged entry; wallets with one are recounted whole, so
    /// the details are the same as a full check's. What it cannot see: an entry at or below a checkpoint altered behind
    /// the append-only trigger (the full check walks those).
    /// </para>
    /// </summary>
    private static string LedgerSql(bool incremental) => $$"""
        WITH flagged AS MATERIALIZED (
            SELECT *
            FROM (
                SELECT walk.*,
                       balance_after IS DISTINCT FROM (CASE direction WHEN 'Credit' THEN balance_before + amount
                                                                      WHEN 'Debit' THEN balance_before - amount END) AS bad_arithmetic,
                       sequence <> coalesce(previous_sequence, 0) + 1 AS bad_sequence,
                       balance_before <> coalesce(previous_balance_after, 0) AS bad_chain,
                       created_at < previous_created_at AS bad_time
                FROM (
                    SELECT e.wallet_id, e.sequence, e.direction, e.amount, e.balance_before, e.balance_after, e.created_at,
                           {{(incremental ? "coalesce(lag(e.sequence) OVER w, c.sequence)" : "lag(e.sequence) OVER w")}} AS previous_sequence,
                           {{(incremental ? "coalesce(lag(e.created_at) OVER w, c.entry_created_at)" : "lag(e.created_at) OVER w")}} AS previous_created_at,
                           {{(incremental ? "coalesce(lag(e.balance_after) OVER w, c.balance_after)" : "lag(e.balance_after) OVER w")}} AS previous_balance_after,
                           lead(e.sequence) OVER w IS NULL AS is_last
                    FROM {{(incremental ? EntriesPastCheckpoints : "ledger_entries e")}}
                    WINDOW w AS (PARTITION BY e.wallet_id ORDER BY e.sequence ROWS UNBOUNDED PRECEDING)
                ) walk
            ) checked
            WHERE is_last OR bad_arithmetic OR bad_sequence OR bad_chain OR bad_time
        ),
        broken AS (
            SELECT f.*, x.id, x.type
            FROM flagged f
            JOIN ledger_entries x ON x.wallet_id = f.wallet_id AND x.sequence = f.sequence
            WHERE f.bad_arithmetic OR f.bad_sequence OR f.bad_chain OR f.bad_time
        ),
        last_walked AS MATERIALIZED (
            SELECT wallet_id, sequence, balance_after FROM flagged WHERE is_last{{(incremental ? CheckpointsNotWalkedPast : "")}}
        ),
        recounted AS MATERIALIZED (
            SELECT e.wallet_id, sum(CASE e.direction WHEN 'Credit' THEN e.amount ELSE -e.amount END) AS ledger_sum, count(*) AS entry_count
            FROM ledger_entries e
            WHERE e.wallet_id IN (SELECT wallet_id FROM flagged WHERE bad_arithmetic OR bad_sequence OR bad_chain OR bad_time
                                  UNION
                                  SELECT l.wallet_id FROM last_walked l WHERE NOT EXISTS (SELECT 1 FROM wallets w WHERE w.id = l.wallet_id))
            GROUP BY e.wallet_id
        ),
        last_entries AS MATERIALIZED (
            SELECT l.wallet_id, l.sequence, coalesce(r.ledger_sum, l.balance_after) AS ledger_sum, coalesce(r.entry_count, l.sequence) AS entry_count
            FROM last_walked l
            LEFT JOIN recounted r ON r.wallet_id = l.wallet_id
        )
        SELECT wallet_id, '{{Kinds.EntryArithmetic}}',
               format('entry %s (sequence %s, %s %s of %s): balance_before %s and balance_after %s do not differ by the amount',
                      id, sequence, type, direction, amount, balance_before, balance_after)
        FROM broken WHERE bad_arithmetic
        UNION ALL
        SELECT wallet_id, '{{Kinds.SequenceGap}}',
               CASE WHEN previous_sequence IS NULL THEN format('the first entry %s has sequence %s, not 1', id, sequence)
                    ELSE format('the sequence jumps from %s to %s at entry %s', previous_sequence, sequence, id) END
        FROM broken WHERE bad_sequence
        UNION ALL
        SELECT wallet_id, '{{Kinds.ChainBreak}}',
               CASE WHEN previous_balance_after IS NULL
                    THEN format('the first entry %s (sequence %s) starts from balance %s, not 0.00', id, sequence, balance_before)
                    ELSE format('entry %s (sequence %s) starts from balance %s but the entry before it (sequence %s) ended at %s',
                                id, sequence, balance_before, previous_sequence, previous_balance_after) END
        FROM broken WHERE bad_chain
        UNION ALL
        SELECT wallet_id, '{{Kinds.TimeOrder}}',
               format('entry %s (sequence %s, %s of %s) is stamped %s, earlier than the entry before it (sequence %s) at %s',
                      id, sequence, type, amount, to_char(created_at AT TIME ZONE 'UTC', {{UtcFormat}}),
                      previous_sequence, to_char(previous_created_at AT TIME ZONE 'UTC', {{UtcFormat}}))
        FROM broken WHERE bad_time
        UNION ALL
        SELECT coalesce(w.id, l.wallet_id), '{{Kinds.BalanceMismatch}}',
               CASE WHEN w.id IS NULL THEN format('%s ledger entries name wallet %s, which does not exist', l.entry_count, l.wallet_id)
                    ELSE format('the balance is %s but its %s ledger entries sum to %s',
                                w.balance, coalesce(l.entry_count, 0), coalesce(l.ledger_sum, 0.00)) END
        FROM wallets w
        FULL JOIN last_entries l ON l.wallet_id = w.id
        WHERE w.id IS NULL OR w.balance <> coalesce(l.ledger_sum, 0)
        UNION ALL
        SELECT w.id, '{{Kinds.LastSequenceMismatch}}',
               format('last_sequence is %s but the highest sequence in its ledger is %s', w.last_sequence, coalesce(l.sequence, 0))
        FROM wallets w
        LEFT JOIN last_entries l ON l.wallet_id = w.id
        WHERE w.last_sequence <> coalesce(l.sequence, 0)
        """;

    /// <summary>In an incremental walk, a wallet with no entry past its checkpoint ends at the checkpoint.</summary>
    private const string CheckpointsNotWalkedPast = """

            UNION ALL
            SELECT c.wallet_id, c.sequence, c.balance_after
            FROM integrity_checkpoints c
            WHERE NOT EXISTS (SELECT 1 FROM flagged f WHERE f.wallet_id = c.wallet_id AND f.is_last)
        """;

    public static readonly string Ledger = LedgerSql(incremental: false);

    public static readonly string LedgerIncremental = LedgerSql(incremental: true);

    /// <summary>
    /// Every record that moved money names its ledger entry, and that entry names the record back: payments that moved a
    /// wallet (card top-up: Deposit, wallet payment: Payment), refunds of wallet payments (Refund), both legs of a transfer,
    /// adjustments, and the billed VM-hours of a usage charge (summed per entry and VM). One hash full join pairs these
    /// links with the ledger on (entry, reference); what stays unpaired, or pairs but disagrees on wallet, type or amount,
    /// is an issue. Details are built only for those rows (lazy CASE branches), never for the sound majority.
    /// An entry citing an order is read as citing the order's payment: it is explained only as that payment's own entry or
    /// the entry of a refund of it (no code writes such entries today; the rule keeps an order from explaining any entry).
    /// <para>
    /// Incremental (<paramref name="incremental"/>): the payments, refunds, transfers and adjustments (few, and payments
    /// change) are all checked, each against the entry it names (a key lookup); the ledger side is restricted to a scope —
    /// the entries past the checkpoints plus every entry those records name — and the billed VM-hours to the ones naming
    /// an entry of the scope. Every link to an entry of the scope is then in the join, so each scoped entry and record is
    /// paired exactly as in a full check and reported the same. Left out: entries at or below a checkpoint that no record
    /// names (usage charges and the like), paired by an earlier check with rows that are append-only (vm_usage, refunds,
    /// transfers, adjustments) — except a vm_usage row inserted later naming such an old entry, which only the full check sees.
    /// </para>
    /// </summary>
    private static string LinksSql(bool incremental) => $$"""
        WITH {{(incremental ? "records AS MATERIALIZED (" : "links AS (")}}
            SELECT 'payment'::text AS record, p.id AS record_id, p.wallet_id, p.ledger_entry_id AS entry_id,
                   CASE p.method WHEN 'Wallet' THEN 'Payment' ELSE 'Deposit' END AS type, p.amount,
                   'payment'::text AS reference_type, p.id AS reference_id, 0::bigint AS hours
            FROM payments p
            WHERE p.wallet_id IS NOT NULL AND p.status IN {{MovedWallet}}
            UNION ALL
            SELECT 'refund', r.id, p.wallet_id, r.ledger_entry_id, 'Refund', r.amount, 'payment', r.payment_id, 0
            FROM refunds r
            JOIN payments p ON p.id = r.payment_id
            WHERE p.method = 'Wallet'
            UNION ALL
            SELECT 'transfer', t.id, t.from_wallet_id, t.out_entry_id, 'TransferOut', t.amount, 'transfer', t.id, 0 FROM transfers t
            UNION ALL
            SELECT 'transfer', t.id, t.to_wallet_id, t.in_entry_id, 'TransferIn', t.amount, 'transfer', t.id, 0 FROM transfers t
            UNION ALL
            SELECT 'adjustment', a.id, a.wallet_id, a.ledger_entry_id, 'Adjustment' || a.direction, a.amount, 'adjustment', a.id, 0
            FROM adjustments a{{(incremental ? IncrementalScope : "")}}
            UNION ALL
            -- Summed in whole cents (amount is numeric(19,2), so exact): a bigint sum's state is less than half the size of
            -- a numeric sum's, and this hash aggregate has one group per usage entry, the bulk of a ledger billed hourly.
            SELECT 'usage', u.vm_id, u.wallet_id, u.ledger_entry_id, 'UsageCharge', (sum((u.amount * 100)::bigint) / 100.0)::numeric(19,2),
                   'vm_usage', u.vm_id, count(*)
            FROM vm_usage u
            WHERE u.ledger_entry_id IS NOT NULL{{(incremental ? " AND u.ledger_entry_id IN (SELECT id FROM scope)" : "")}}
            GROUP BY u.ledger_entry_id, u.vm_id, u.wallet_id
        )
        SELECT coalesce(l.wallet_id, e.wallet_id),
               CASE WHEN l.record = 'payment' THEN '{{Kinds.PaidPaymentWithoutEntry}}'
                    WHEN l.record = 'usage' THEN '{{Kinds.UsageMismatch}}'
                    WHEN l.record IS NOT NULL THEN '{{Kinds.RecordWithoutEntry}}'
                    WHEN e.reference_type = 'payment' THEN '{{Kinds.PaymentEntryWithoutPayment}}'
                    WHEN e.reference_type = 'vm_usage' THEN '{{Kinds.UsageMismatch}}'
                    ELSE '{{Kinds.OrphanEntry}}' END,
               CASE WHEN l.record IS NOT NULL THEN
                   -- The record's side: its entry is missing, is not its entry, or disagrees with it.
                   CASE l.record
                       WHEN 'payment' THEN (SELECT format('%s %s payment %s of %s', p.status, p.method, p.id, p.amount)
                                            FROM payments p WHERE p.id = l.record_id)
                       WHEN 'refund' THEN format('refund %s of %s on wallet payment %s', l.record_id, l.amount, l.reference_id)
                       WHEN 'transfer' THEN format('transfer %s of %s %s', l.record_id, l.amount,
                                                   CASE l.type WHEN 'TransferOut' THEN 'out of this wallet' ELSE 'into this wallet' END)
                       WHEN 'adjustment' THEN format('adjustment %s (%s of %s)', l.record_id, substr(l.type, 11), l.amount)
                       ELSE format('%s billed hour(s) of VM %s (%s)', l.hours, l.record_id, l.amount)
                   END ||
                   CASE l.record WHEN 'usage' THEN ' name' ELSE ' names' END ||
                   CASE WHEN l.entry_id IS NULL THEN ' no ledger entry'
                        WHEN e.id IS NULL THEN format(' ledger entry %s, ', l.entry_id) ||
                            coalesce((SELECT format('a %s of %s on wallet %s caused by %s %s', x.type, x.amount, x.wallet_id,
                                                    x.reference_type, x.reference_id)
                                      FROM ledger_entries x WHERE x.id = l.entry_id), 'which does not exist')
                        ELSE format(' ledger entry %s, a %s of %s on wallet %s', e.id, e.type, e.amount, e.wallet_id) END
               ELSE
                   -- The entry's side: no record explains it.
                   format('entry %s (sequence %s, %s of %s, caused by %s %s): ',
                          e.id, e.sequence, e.type, e.amount, e.reference_type, e.reference_id) ||
                   CASE e.reference_type
                       WHEN 'payment' THEN coalesce(
                           (SELECT CASE WHEN e.type = 'Refund'
                                        THEN coalesce((SELECT format('refund %s of %s on payment %s names it', r.id, r.amount, r.payment_id)
                                                       FROM refunds r WHERE r.ledger_entry_id = e.id),
                                                      'no refund of the payment names this entry')
                                        ELSE format('the payment is a %s %s payment of %s on wallet %s naming ledger entry %s',
                                                    p.status, p.method, p.amount, coalesce(p.wallet_id::text, 'none'),
                                                    coalesce(p.ledger_entry_id::text, 'none'))
                                   END
                            FROM payments p WHERE p.id = e.reference_id),
                           'the payment does not exist')
                       WHEN 'transfer' THEN coalesce(
                           (SELECT format('the transfer moves %s from wallet %s (entry %s) to wallet %s (entry %s)',
                                          t.amount, t.from_wallet_id, t.out_entry_id, t.to_wallet_id, t.in_entry_id)
                            FROM transfers t WHERE t.id = e.reference_id),
                           'the transfer does not exist')
                       WHEN 'adjustment' THEN coalesce(
                           (SELECT format('the adjustment is a %s of %s on wallet %s by entry %s',
                                          a.direction, a.amount, a.wallet_id, a.ledger_entry_id)
                            FROM adjustments a WHERE a.id = e.reference_id),
                           'the adjustment does not exist')
                       WHEN 'order' THEN coalesce(
                           (SELECT format('the order is paid from wallet %s by payment %s, whose entry is %s; this entry is neither '
                                          || 'that entry nor a refund of the payment', o.wallet_id, coalesce(o.payment_id::text, 'none'),
                                          coalesce(p.ledger_entry_id::text, 'none'))
                            FROM orders o LEFT JOIN payments p ON p.id = o.payment_id WHERE o.id = e.reference_id),
                           'the order does not exist')
                       WHEN 'vm_usage' THEN
                           CASE WHEN NOT EXISTS (SELECT 1 FROM vms v WHERE v.id = e.reference_id) THEN 'the VM does not exist'
                                ELSE 'no billed hour of the VM names it' END
                       ELSE 'nothing has that reference type'
                   END
               END,
               -- A record paired with an entry of another wallet is reported on the record's wallet; the entry's wallet
               -- has the issue too, for the checkpoints (IntegritySql.SaveCheckpoints), though it is reported once.
               CASE WHEN l.record IS NOT NULL AND e.id IS NOT NULL AND l.wallet_id <> e.wallet_id THEN e.wallet_id END
        FROM (
            SELECT e.*,
                   CASE e.reference_type WHEN 'order' THEN 'payment' ELSE e.reference_type END AS explained_by_type,
                   CASE e.reference_type WHEN 'order' THEN (SELECT o.payment_id FROM orders o WHERE o.id = e.reference_id)
                                         ELSE e.reference_id END AS explained_by_id
            FROM ledger_entries e{{(incremental ? " WHERE e.id IN (SELECT id FROM scope)" : "")}}
        ) e
        FULL JOIN links l ON l.entry_id = e.id AND l.reference_type = e.explained_by_type AND l.reference_id = e.explained_by_id
        WHERE l.record IS NULL OR e.id IS NULL OR l.wallet_id <> e.wallet_id OR l.type <> e.type OR l.amount <> e.amount
        """;

    /// <summary>Closes the records of an incremental Links check, then its scope of entries and the start of its links.</summary>
    private const string IncrementalScope = $$"""

        ), scope AS MATERIALIZED (
            SELECT e.id FROM {{EntriesPastCheckpoints}}
            UNION
            SELECT entry_id FROM records WHERE entry_id IS NOT NULL
        ), links AS (
            SELECT * FROM records
        """;

    public static readonly string Links = LinksSql(incremental: false);

    public static readonly string LinksIncremental = LinksSql(incremental: true);

    /// <summary>
    /// The wallet an issue about payment <c>p</c> is reported on: its own, or for a direct card payment (no wallet) its
    /// customer's wallet, in the payment's currency if there is one, else the nil id.
    /// </summary>
    private const string WalletOfPayment = """
        coalesce(p.wallet_id, (SELECT w.id FROM wallets w WHERE w.customer_id = p.customer_id
                               ORDER BY w.currency = p.currency DESC, w.created_at, w.id LIMIT 1), '00000000-0000-0000-0000-000000000000'::uuid)
        """;

    /// <summary>
    /// Payments against what gave them money back, and card payments against the gateway: a payment's refunded_amount is
    /// the sum of its refunds; a Failed or Cancelled order's payment was refunded in full; no two card payments that took
    /// money name one gateway charge; a card top-up that credited a wallet names its charge. One scan of each table, with
    /// the refunds summed once per payment.
    /// </summary>
    public const string Payments = $$"""
        WITH refunded AS MATERIALIZED (
            SELECT payment_id, sum(amount) AS amount, count(*) AS refunds FROM refunds GROUP BY payment_id
        ), card AS MATERIALIZED (
            SELECT id, gateway_reference FROM payments WHERE method = 'Card' AND status IN {{MovedWallet}}
        ), shared AS (
            SELECT gateway_reference, array_agg(id ORDER BY id) AS payment_ids
            FROM card WHERE gateway_reference IS NOT NULL
            GROUP BY gateway_reference HAVING count(*) > 1
        )
        SELECT {{WalletOfPayment}}, '{{Kinds.RefundedAmountMismatch}}',
               format('%s %s payment %s of %s records %s refunded, but its %s refund(s) add up to %s',
                      p.status, p.method, p.id, p.amount, p.refunded_amount, coalesce(r.refunds, 0), coalesce(r.amount, 0.00))
        FROM payments p
        LEFT JOIN refunded r ON r.payment_id = p.id
        WHERE p.refunded_amount <> coalesce(r.amount, 0)
        UNION ALL
        SELECT o.wallet_id, '{{Kinds.OrderNotRefunded}}',
               format('%s order %s of %s: ', o.status, o.id, o.amount) ||
               CASE WHEN p.id IS NULL THEN 'its payment does not exist'
                    ELSE format('%s of its payment %s was given back (refunds %s, refunded_amount %s)',
                                least(coalesce(r.amount, 0.00), p.refunded_amount), p.id, coalesce(r.amount, 0.00), p.refunded_amount) END
        FROM orders o
        LEFT JOIN payments p ON p.id = o.payment_id
        LEFT JOIN refunded r ON r.payment_id = o.payment_id
        WHERE (o.status = 'Cancelled' OR (o.status = 'Failed' AND o.payment_id IS NOT NULL))
          AND (p.id IS NULL OR coalesce(r.amount, 0) <> p.amount OR p.refunded_amount <> p.amount)
        UNION ALL
        SELECT {{WalletOfPayment}}, '{{Kinds.DuplicateGatewayReference}}',
               format('%s card payment %s of %s %s names gateway reference %s, as do paid card payment(s) %s',
                      p.status, p.id, p.amount, p.currency, p.gateway_reference, array_to_string(array_remove(s.payment_ids, p.id), ', '))
        FROM shared s
        JOIN card c ON c.gateway_reference = s.gateway_reference
        JOIN payments p ON p.id = c.id
        UNION ALL
        SELECT p.wallet_id, '{{Kinds.DepositWithoutGatewayReference}}',
               format('%s card top-up %s of %s credited the wallet by ledger entry %s without a gateway reference',
                      p.status, p.id, p.amount, coalesce(p.ledger_entry_id::text, 'none'))
        FROM payments p
        WHERE p.method = 'Card' AND p.wallet_id IS NOT NULL AND p.status IN {{MovedWallet}}
          AND coalesce(btrim(p.gateway_reference), '') = ''
        """;

    /// <summary>
    /// Card payments the card processor reports differently (amount or currency) from the record, flagged by reconciliation
    /// and left Pending for a person. A direct card payment moves no wallet; its issue names its customer's wallet (WalletOfPayment).
    /// </summary>
    public const string GatewayMismatches = $$"""
        SELECT {{WalletOfPayment}}, '{{Kinds.GatewayMismatch}}',
               format('%s card payment %s of %s %s for customer %s: %s', p.status, p.id, p.amount, p.currency, p.customer_id, p.gateway_mismatch)
        FROM payments p
        WHERE p.gateway_mismatch IS NOT NULL
        """;

    /// <summary>
    /// Every hour of a VM's life, from its creation hour up to its billed_through, is either billed (one vm_usage row) or
    /// recorded as not run (vm_idle_periods). Counted per VM with one grouped pass over each table: fewer hours than that
    /// span means billed_through skipped hours without billing them; more means hours accounted for twice.
    /// </summary>
    public const string VmHours = $$"""
        SELECT v.wallet_id, '{{Kinds.SkippedVmHours}}',
               format('VM %s (%s) is settled through %s UTC: %s hour(s) since its creation hour, but %s have a usage row and %s were recorded as not run',
                      v.id, v.status, to_char(v.billed_through AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), span.hours,
                      coalesce(u.hours, 0), coalesce(i.hours, 0))
        FROM vms v
        CROSS JOIN LATERAL (SELECT (extract(epoch FROM v.billed_through - billing_hour_floor(v.created_at)) / 3600)::bigint AS hours) span
        LEFT JOIN (SELECT vm_id, count(*) AS hours FROM vm_usage GROUP BY vm_id) u ON u.vm_id = v.id
        LEFT JOIN (SELECT vm_id, sum(extract(epoch FROM to_hour - from_hour) / 3600)::bigint AS hours
                   FROM vm_idle_periods GROUP BY vm_id) i ON i.vm_id = v.id
        WHERE span.hours <> coalesce(u.hours, 0) + coalesce(i.hours, 0)
        """;

    /// <summary>
    /// Each wallet's running held total (kept under its row lock by whatever places or ends a hold) against the sum of its
    /// Active holds: one grouped scan of the Active holds, one of the wallets.
    /// </summary>
    public const string Holds = $$"""
        SELECT w.id, '{{Kinds.HeldMismatch}}',
               format('held is %s but its %s Active hold(s) add up to %s', w.held, coalesce(h.holds, 0), coalesce(h.amount, 0.00))
        FROM wallets w
        LEFT JOIN (SELECT wallet_id, sum(amount) AS amount, count(*) AS holds FROM holds WHERE status = 'Active' GROUP BY wallet_id) h
               ON h.wallet_id = w.id
        WHERE w.held <> coalesce(h.amount, 0)
        """;

    /// <summary>
    /// Every capture is explainable both ways: a Captured hold names a payment that names it back with the captured amount
    /// and currency, and a payment naming a hold is the one that hold names. Two passes over the (few) linked rows.
    /// </summary>
    public const string HoldCaptures = $$"""
        SELECT h.wallet_id, '{{Kinds.HoldCaptureMismatch}}',
               format('hold %s is Captured for %s %s by payment %s, but ', h.id, h.captured_amount, h.currency, h.payment_id) ||
               CASE WHEN p.id IS NULL THEN 'that payment does not exist'
                    WHEN p.hold_id IS DISTINCT FROM h.id THEN format('the payment names hold %s', coalesce(p.hold_id::text, 'none'))
                    ELSE format('the payment is of %s %s', p.amount, p.currency) END
        FROM holds h
        LEFT JOIN payments p ON p.id = h.payment_id
        WHERE h.status = 'Captured'
          AND (p.id IS NULL OR p.hold_id IS DISTINCT FROM h.id OR p.amount <> h.captured_amount OR p.currency <> h.currency)
        UNION ALL
        SELECT h.wallet_id, '{{Kinds.HoldCaptureMismatch}}',
               format('payment %s names hold %s, which names payment %s', p.id, h.id, coalesce(h.payment_id::text, 'none'))
        FROM payments p
        JOIN holds h ON h.id = p.hold_id
        WHERE h.payment_id IS DISTINCT FROM p.id
        """;

    /// <summary>
    /// Orders on holds: each order's hold (holds.order_id) against the order's status. Fulfilling → an Active hold of the
    /// order's amount and currency on its wallet; Completed, Cancelled, Returned → a hold Captured in full by the order's
    /// own payment (orders of the old debit-first design have no hold and are left to the payment checks); Failed with no
    /// payment (on a hold) → a Voided or Expired hold. One pass over orders with the hold joined by its unique order_id.
    /// </summary>
    public const string OrderHolds = $$"""
        SELECT o.wallet_id, '{{Kinds.OrderHoldMismatch}}',
               format('%s order %s of %s %s: ', o.status, o.id, o.amount, o.currency) ||
               CASE WHEN h.id IS NULL THEN 'it has no hold'
                    ELSE format('its hold %s is %s, of %s %s on wallet %s, captured %s by payment %s',
                                h.id, h.status, h.amount, h.currency, h.wallet_id, h.captured_amount, coalesce(h.payment_id::text, 'none')) ||
                         CASE WHEN o.payment_id IS NOT NULL THEN format(' (the order names payment %s)', o.payment_id) ELSE '' END END
        FROM orders o
        LEFT JOIN holds h ON h.order_id = o.id
        WHERE CASE
            WHEN o.status = 'Fulfilling' THEN
                h.id IS NULL OR h.status <> 'Active' OR h.amount <> o.amount OR h.currency <> o.currency OR h.wallet_id <> o.wallet_id
            WHEN o.status IN ('Completed', 'Cancelled', 'Returned') THEN
                h.id IS NOT NULL AND (h.status <> 'Captured' OR h.payment_id IS DISTINCT FROM o.payment_id OR h.captured_amount <> o.amount)
            WHEN o.status = 'Failed' AND o.payment_id IS NULL THEN
                h.id IS NULL OR h.status NOT IN ('Voided', 'Expired')
            ELSE false END
        """;

    /// <summary>
    /// The checks in the order their issues are reported; each returns (wallet_id, kind, detail), Links also a fourth
    /// column, another wallet the issue concerns (or NULL). Incremental: the ledger walk and the entry links from the
    /// checkpoints; the rest (payments and refunds, gateway references, VM-hours, holds, captures, orders on holds) read
    /// mutable rows with no reliable change marker and stay whole — they are cheap next to the ledger (see the README).
    /// </summary>
    public static IReadOnlyList<string> IssueQueries(bool incremental) =>
        incremental ? IncrementalIssueQueries : FullIssueQueries;

    private static readonly IReadOnlyList<string> FullIssueQueries = [Ledger, Links, Payments, GatewayMismatches, VmHours, Holds, HoldCaptures, OrderHolds];

    private static readonly IReadOnlyList<string> IncrementalIssueQueries =
        [LedgerIncremental, LinksIncremental, Payments, GatewayMismatches, VmHours, Holds, HoldCaptures, OrderHolds];

    /// <summary>
    /// After the checks, in their transaction and snapshot: wallets with an issue ($1) lose their checkpoint (their next
    /// check walks them whole, so an issue found by a full check is found again by the incremental checks after it); every
    /// other wallet's checkpoint moves to its last entry (the one the walk just proved), tagged with the check's start ($2)
    /// and report ($3). Unmoved checkpoints are left alone. Never backwards: checks run one at a time (an advisory lock),
    /// and a later check's snapshot is never older.
    /// </summary>
    public const string SaveCheckpoints = """
        WITH dropped AS (
            DELETE FROM integrity_checkpoints WHERE wallet_id = ANY($1)
        )
        INSERT INTO integrity_checkpoints AS c (wallet_id, sequence, balance_after, entry_created_at, checked_at, report_id)
        SELECT cw.id, last.sequence, last.balance_after, last.created_at, $2, $3
        FROM wallets cw
        CROSS JOIN LATERAL (SELECT x.sequence, x.balance_after, x.created_at FROM ledger_entries x
                            WHERE x.wallet_id = cw.id ORDER BY x.sequence DESC LIMIT 1) last
        WHERE cw.id <> ALL($1)
          AND NOT EXISTS (SELECT 1 FROM integrity_checkpoints k WHERE k.wallet_id = cw.id AND k.sequence = last.sequence)
        ON CONFLICT (wallet_id) DO UPDATE
            SET sequence = excluded.sequence, balance_after = excluded.balance_after, entry_created_at = excluded.entry_created_at,
                checked_at = excluded.checked_at, report_id = excluded.report_id
            WHERE c.sequence < excluded.sequence
        """;
}
