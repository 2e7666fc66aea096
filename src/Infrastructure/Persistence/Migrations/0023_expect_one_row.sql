-- The unit of work's hand-written write batch can carry its own COMMIT (one round trip for the writes and the commit).
-- Each UPDATE in it must then be refused by the database itself, before that COMMIT, when it did not write exactly one
-- row (its row gone, or its guard no longer holding): the batch fails there and the transaction rolls back. The UPDATE
-- is sent as  WITH written AS (UPDATE … RETURNING 1) SELECT expect_one_row(count(*), '<table>') FROM written.
CREATE FUNCTION expect_one_row(written bigint, what text) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    IF written <> 1 THEN
        RAISE EXCEPTION 'expected to write exactly one % row, wrote %', what, written USING ERRCODE = 'CW001';
    END IF;
    RETURN written;
END
$$;
