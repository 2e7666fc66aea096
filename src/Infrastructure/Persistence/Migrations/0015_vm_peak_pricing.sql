-- VM pricing by the largest size of each hour (issue 8 §3). An hour is billed once it has ended (or at delete), at the
-- largest size the VM had in it; the one hour that may still change, the hour starting at billed_through, keeps its
-- largest size so far in peak_size. Cumulative rounding runs over consecutive billed hours at one size: billed_size is
-- the size of the last billed hour and size_hours_billed counts the run (before: hours at the current size).

ALTER TABLE vms
    -- The largest size the VM ran at in the hour starting at billed_through; NULL when it has not run in that hour.
    ADD COLUMN peak_size   varchar(32) NULL,
    -- The size the last billed hour was charged at; NULL before the first billed hour.
    ADD COLUMN billed_size varchar(32) NULL;

-- Before, a stop, resize or delete billed the current hour at once, so only a Running VM has an open hour, at its size.
UPDATE vms SET peak_size   = CASE WHEN status = 'Running' THEN size END,
               billed_size = CASE WHEN size_hours_billed > 0 THEN size END;

ALTER TABLE vms ADD CONSTRAINT vms_deleted_peak_check CHECK (status <> 'Deleted' OR peak_size IS NULL);

-- The billing run's work list: VMs that ran in a hour still unbilled (Running ones, and ones stopped or suspended during
-- the hour at billed_through). The same predicate is in the run's queries.
DROP INDEX vms_billable_idx;
CREATE INDEX vms_billable_idx ON vms (id) INCLUDE (billed_through) WHERE status = 'Running' OR peak_size IS NOT NULL;

-- The start of the UTC clock hour holding an instant, whatever the session's time zone.
CREATE FUNCTION billing_hour_floor(instant timestamptz) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN to_timestamp(floor(extract(epoch FROM instant) / 3600) * 3600);

-- Hours a VM did not run at all (stopped or suspended throughout), passed over without a charge when its billed_through
-- moved on. With vm_usage they account for every hour from the VM's creation hour up to its billed_through; the
-- integrity check reports a VM where they do not (hours skipped without a usage row).
CREATE TABLE vm_idle_periods (
    vm_id       uuid         NOT NULL REFERENCES vms (id),
    from_hour   timestamptz  NOT NULL CHECK (extract(epoch FROM from_hour) % 3600 = 0),
    to_hour     timestamptz  NOT NULL CHECK (extract(epoch FROM to_hour) % 3600 = 0),
    created_at  timestamptz  NOT NULL,
    PRIMARY KEY (vm_id, from_hour),
    CONSTRAINT vm_idle_periods_order_check CHECK (to_hour > from_hour)
);

CREATE TRIGGER vm_idle_periods_append_only BEFORE UPDATE OR DELETE ON vm_idle_periods
    FOR EACH ROW EXECUTE FUNCTION forbid_row_change();

-- Hours existing VMs passed over before idle periods were kept (a start after a stop jumped billed_through): every gap
-- between billed hours, from the creation hour up to billed_through, is recorded as idle.
INSERT INTO vm_idle_periods (vm_id, from_hour, to_hour, created_at)
SELECT vm_id, gap_from, gap_to, now()
FROM (
    SELECT v.id AS vm_id,
           coalesce(lag(u.hour_start) OVER w + interval '1 hour', billing_hour_floor(v.created_at)) AS gap_from,
           u.hour_start AS gap_to
    FROM vms v
    JOIN vm_usage u ON u.vm_id = v.id AND u.hour_start < v.billed_through
    WINDOW w AS (PARTITION BY v.id ORDER BY u.hour_start)
    UNION ALL
    SELECT v.id,
           coalesce((SELECT max(u.hour_start) + interval '1 hour' FROM vm_usage u WHERE u.vm_id = v.id AND u.hour_start < v.billed_through),
                    billing_hour_floor(v.created_at)),
           v.billed_through
    FROM vms v
) gaps
WHERE gap_to > gap_from;
