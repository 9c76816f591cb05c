-- Two more figures kept summed (see 0019), the last ones a group's dashboard counted record by
-- record:
-- * the forecast (object 'opportunity', figure 'forecast_minor'): each opportunity not lost,
--   weighted by its stage's probability exactly as the dashboard weighs it, per month of its
--   expected close date. That date is a day on the group's calendar, so the month is read from
--   the text and does not depend on `report_rollup_offset_min`. A stage whose probability or
--   outcome changes re-weighs its opportunities.
-- * what is still owed (object 'receivable', figure 'overdue_minor'): amount less received, per
--   month of the due date, for receivables not paid in full. What of it is overdue depends on the
--   moment: the dashboard sums the months before the current one and counts the current month's
--   receivables due before now record by record.

CREATE FUNCTION report_close_month(p_close TEXT) RETURNS INTEGER LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_close ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
                THEN CAST(substr(p_close, 1, 4) AS INTEGER) * 100 + CAST(substr(p_close, 6, 2) AS INTEGER) END
$$;

-- The amount weighted by a probability in basis points, rounded down per record, without
-- overflowing on large amounts.
CREATE FUNCTION report_weighted(p_amount BIGINT, p_probability BIGINT) RETURNS BIGINT LANGUAGE sql IMMUTABLE AS $$
    SELECT p_amount / 10000 * p_probability + p_amount % 10000 * p_probability / 10000
$$;

CREATE FUNCTION report_forecast_bump(p_stage BIGINT, p_close TEXT, p_unit BIGINT, p_person BIGINT, p_currency TEXT, p_amount BIGINT, p_sign BIGINT)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    probability BIGINT;
BEGIN
    SELECT probability_bp INTO probability FROM opportunity_stages WHERE id = p_stage AND outcome <> 'lost';
    IF probability IS NULL OR report_close_month(p_close) IS NULL OR p_unit IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    VALUES ('opportunity', 'forecast_minor', report_close_month(p_close), p_unit, COALESCE(p_person, 0), p_currency, p_sign * report_weighted(p_amount, probability), p_sign)
    ON CONFLICT (object, figure, month, unit_id, person_id, currency)
    DO UPDATE SET value = report_rollup.value + excluded.value, records = report_rollup.records + excluded.records;
END $$;

CREATE FUNCTION report_forecast() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM report_forecast_bump(OLD.stage_id, OLD.expected_close, OLD.unit_id, OLD.owner_id, OLD.currency, OLD.amount_minor, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM report_forecast_bump(NEW.stage_id, NEW.expected_close, NEW.unit_id, NEW.owner_id, NEW.currency, NEW.amount_minor, 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER report_forecast AFTER INSERT OR DELETE OR UPDATE OF stage_id, expected_close, unit_id, owner_id, currency, amount_minor ON opportunities
FOR EACH ROW EXECUTE FUNCTION report_forecast();

-- One row per sum: what the stage's opportunities weigh now less what they weighed before.
CREATE FUNCTION report_forecast_stages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'opportunity', 'forecast_minor', report_close_month(o.expected_close), o.unit_id, COALESCE(o.owner_id, 0), o.currency,
           SUM(CASE WHEN NEW.outcome <> 'lost' THEN report_weighted(o.amount_minor, NEW.probability_bp) ELSE 0 END
             - CASE WHEN OLD.outcome <> 'lost' THEN report_weighted(o.amount_minor, OLD.probability_bp) ELSE 0 END),
           COUNT(*) * ((CASE WHEN NEW.outcome <> 'lost' THEN 1 ELSE 0 END) - (CASE WHEN OLD.outcome <> 'lost' THEN 1 ELSE 0 END))
    FROM opportunities o
    WHERE o.stage_id = NEW.id AND report_close_month(o.expected_close) IS NOT NULL AND o.unit_id IS NOT NULL
    GROUP BY 3, 4, 5, 6
    ON CONFLICT (object, figure, month, unit_id, person_id, currency)
    DO UPDATE SET value = report_rollup.value + excluded.value, records = report_rollup.records + excluded.records;
    RETURN NULL;
END $$;
CREATE TRIGGER report_forecast_stages AFTER UPDATE OF probability_bp, outcome ON opportunity_stages
FOR EACH ROW WHEN (OLD.probability_bp <> NEW.probability_bp OR OLD.outcome <> NEW.outcome) EXECUTE FUNCTION report_forecast_stages();

CREATE FUNCTION report_outstanding() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.received_minor < OLD.amount_minor THEN
        PERFORM report_bump('receivable', 'overdue_minor', OLD.due_at, OLD.unit_id, OLD.owner_id, OLD.currency, OLD.received_minor - OLD.amount_minor, -1);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.received_minor < NEW.amount_minor THEN
        PERFORM report_bump('receivable', 'overdue_minor', NEW.due_at, NEW.unit_id, NEW.owner_id, NEW.currency, NEW.amount_minor - NEW.received_minor, 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER report_outstanding AFTER INSERT OR DELETE OR UPDATE OF due_at, unit_id, owner_id, currency, amount_minor, received_minor ON receivables
FOR EACH ROW EXECUTE FUNCTION report_outstanding();

-- The sums of the two figures above over what is there, added to the others.
CREATE FUNCTION report_rollup_add_forecast_and_owed() RETURNS void LANGUAGE sql AS $$
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'opportunity', 'forecast_minor', report_close_month(o.expected_close), o.unit_id, COALESCE(o.owner_id, 0), o.currency, SUM(report_weighted(o.amount_minor, s.probability_bp)), COUNT(*)
    FROM opportunities o JOIN opportunity_stages s ON s.id = o.stage_id
    WHERE s.outcome <> 'lost' AND report_close_month(o.expected_close) IS NOT NULL AND o.unit_id IS NOT NULL GROUP BY 3, 4, 5, 6;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'receivable', 'overdue_minor', report_month(due_at), unit_id, COALESCE(owner_id, 0), currency, SUM(amount_minor - received_minor), COUNT(*)
    FROM receivables WHERE received_minor < amount_minor GROUP BY 3, 4, 5, 6;
$$;

-- `report_rollup_rebuild()` (sums from scratch, for bulk loads that write with triggers off)
-- now covers them too: 0019's version keeps the figures it had, under another name.
ALTER FUNCTION report_rollup_rebuild() RENAME TO report_rollup_rebuild_dated_and_pipeline;
CREATE FUNCTION report_rollup_rebuild() RETURNS void LANGUAGE sql AS $$
    SELECT report_rollup_rebuild_dated_and_pipeline();
    SELECT report_rollup_add_forecast_and_owed();
$$;

SELECT report_rollup_add_forecast_and_owed();
