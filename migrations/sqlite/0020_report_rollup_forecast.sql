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
-- The same logic as the PostgreSQL functions of this migration, written out per trigger.

CREATE TRIGGER report_forecast_insert AFTER INSERT ON opportunities
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'opportunity', 'forecast_minor', (CASE WHEN NEW.expected_close GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' THEN CAST(substr(NEW.expected_close, 1, 4) AS INTEGER) * 100 + CAST(substr(NEW.expected_close, 6, 2) AS INTEGER) END), NEW.unit_id, COALESCE(NEW.owner_id, 0), NEW.currency, (NEW.amount_minor / 10000 * st.probability_bp + NEW.amount_minor % 10000 * st.probability_bp / 10000), 1
    FROM opportunity_stages st WHERE st.id = NEW.stage_id AND st.outcome <> 'lost' AND (CASE WHEN NEW.expected_close GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' THEN CAST(substr(NEW.expected_close, 1, 4) AS INTEGER) * 100 + CAST(substr(NEW.expected_close, 6, 2) AS INTEGER) END) IS NOT NULL AND NEW.unit_id IS NOT NULL
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_forecast_delete AFTER DELETE ON opportunities
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'opportunity', 'forecast_minor', (CASE WHEN OLD.expected_close GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' THEN CAST(substr(OLD.expected_close, 1, 4) AS INTEGER) * 100 + CAST(substr(OLD.expected_close, 6, 2) AS INTEGER) END), OLD.unit_id, COALESCE(OLD.owner_id, 0), OLD.currency, -(OLD.amount_minor / 10000 * st.probability_bp + OLD.amount_minor % 10000 * st.probability_bp / 10000), -1
    FROM opportunity_stages st WHERE st.id = OLD.stage_id AND st.outcome <> 'lost' AND (CASE WHEN OLD.expected_close GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' THEN CAST(substr(OLD.expected_close, 1, 4) AS INTEGER) * 100 + CAST(substr(OLD.expected_close, 6, 2) AS INTEGER) END) IS NOT NULL AND OLD.unit_id IS NOT NULL
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_forecast_update AFTER UPDATE OF stage_id, expected_close, unit_id, owner_id, currency, amount_minor ON opportunities
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'opportunity', 'forecast_minor', (CASE WHEN OLD.expected_close GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' THEN CAST(substr(OLD.expected_close, 1, 4) AS INTEGER) * 100 + CAST(substr(OLD.expected_close, 6, 2) AS INTEGER) END), OLD.unit_id, COALESCE(OLD.owner_id, 0), OLD.currency, -(OLD.amount_minor / 10000 * st.probability_bp + OLD.amount_minor % 10000 * st.probability_bp / 10000), -1
    FROM opportunity_stages st WHERE st.id = OLD.stage_id AND st.outcome <> 'lost' AND (CASE WHEN OLD.expected_close GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' THEN CAST(substr(OLD.expected_close, 1, 4) AS INTEGER) * 100 + CAST(substr(OLD.expected_close, 6, 2) AS INTEGER) END) IS NOT NULL AND OLD.unit_id IS NOT NULL
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'opportunity', 'forecast_minor', (CASE WHEN NEW.expected_close GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' THEN CAST(substr(NEW.expected_close, 1, 4) AS INTEGER) * 100 + CAST(substr(NEW.expected_close, 6, 2) AS INTEGER) END), NEW.unit_id, COALESCE(NEW.owner_id, 0), NEW.currency, (NEW.amount_minor / 10000 * st.probability_bp + NEW.amount_minor % 10000 * st.probability_bp / 10000), 1
    FROM opportunity_stages st WHERE st.id = NEW.stage_id AND st.outcome <> 'lost' AND (CASE WHEN NEW.expected_close GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' THEN CAST(substr(NEW.expected_close, 1, 4) AS INTEGER) * 100 + CAST(substr(NEW.expected_close, 6, 2) AS INTEGER) END) IS NOT NULL AND NEW.unit_id IS NOT NULL
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

-- One row per sum: what the stage's opportunities weigh now less what they weighed before.
CREATE TRIGGER report_forecast_stages AFTER UPDATE OF probability_bp, outcome ON opportunity_stages
WHEN OLD.probability_bp <> NEW.probability_bp OR OLD.outcome <> NEW.outcome
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'opportunity', 'forecast_minor', (CASE WHEN o.expected_close GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' THEN CAST(substr(o.expected_close, 1, 4) AS INTEGER) * 100 + CAST(substr(o.expected_close, 6, 2) AS INTEGER) END), o.unit_id, COALESCE(o.owner_id, 0), o.currency,
           SUM((CASE WHEN NEW.outcome <> 'lost' THEN 1 ELSE 0 END) * (o.amount_minor / 10000 * NEW.probability_bp + o.amount_minor % 10000 * NEW.probability_bp / 10000) - (CASE WHEN OLD.outcome <> 'lost' THEN 1 ELSE 0 END) * (o.amount_minor / 10000 * OLD.probability_bp + o.amount_minor % 10000 * OLD.probability_bp / 10000)),
           COUNT(*) * ((CASE WHEN NEW.outcome <> 'lost' THEN 1 ELSE 0 END) - (CASE WHEN OLD.outcome <> 'lost' THEN 1 ELSE 0 END))
    FROM opportunities o WHERE o.stage_id = NEW.id AND (CASE WHEN o.expected_close GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' THEN CAST(substr(o.expected_close, 1, 4) AS INTEGER) * 100 + CAST(substr(o.expected_close, 6, 2) AS INTEGER) END) IS NOT NULL AND o.unit_id IS NOT NULL GROUP BY 3, 4, 5, 6
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_outstanding_insert AFTER INSERT ON receivables
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'receivable', 'overdue_minor', CAST(strftime('%Y%m', NEW.due_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), NEW.unit_id, COALESCE(NEW.owner_id, 0), NEW.currency, NEW.amount_minor - NEW.received_minor, 1
    WHERE NEW.received_minor < NEW.amount_minor AND NEW.unit_id IS NOT NULL AND NEW.due_at IS NOT NULL
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_outstanding_delete AFTER DELETE ON receivables
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'receivable', 'overdue_minor', CAST(strftime('%Y%m', OLD.due_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), OLD.unit_id, COALESCE(OLD.owner_id, 0), OLD.currency, OLD.received_minor - OLD.amount_minor, -1
    WHERE OLD.received_minor < OLD.amount_minor AND OLD.unit_id IS NOT NULL AND OLD.due_at IS NOT NULL
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_outstanding_update AFTER UPDATE OF due_at, unit_id, owner_id, currency, amount_minor, received_minor ON receivables
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'receivable', 'overdue_minor', CAST(strftime('%Y%m', OLD.due_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), OLD.unit_id, COALESCE(OLD.owner_id, 0), OLD.currency, OLD.received_minor - OLD.amount_minor, -1
    WHERE OLD.received_minor < OLD.amount_minor AND OLD.unit_id IS NOT NULL AND OLD.due_at IS NOT NULL
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'receivable', 'overdue_minor', CAST(strftime('%Y%m', NEW.due_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), NEW.unit_id, COALESCE(NEW.owner_id, 0), NEW.currency, NEW.amount_minor - NEW.received_minor, 1
    WHERE NEW.received_minor < NEW.amount_minor AND NEW.unit_id IS NOT NULL AND NEW.due_at IS NOT NULL
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

-- The two new figures over what is already there.
INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
SELECT 'opportunity', 'forecast_minor', (CASE WHEN o.expected_close GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' THEN CAST(substr(o.expected_close, 1, 4) AS INTEGER) * 100 + CAST(substr(o.expected_close, 6, 2) AS INTEGER) END), o.unit_id, COALESCE(o.owner_id, 0), o.currency, SUM((o.amount_minor / 10000 * s.probability_bp + o.amount_minor % 10000 * s.probability_bp / 10000)), COUNT(*)
FROM opportunities o JOIN opportunity_stages s ON s.id = o.stage_id
WHERE s.outcome <> 'lost' AND (CASE WHEN o.expected_close GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' THEN CAST(substr(o.expected_close, 1, 4) AS INTEGER) * 100 + CAST(substr(o.expected_close, 6, 2) AS INTEGER) END) IS NOT NULL AND o.unit_id IS NOT NULL GROUP BY 3, 4, 5, 6;
INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
SELECT 'receivable', 'overdue_minor', CAST(strftime('%Y%m', due_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), unit_id, COALESCE(owner_id, 0), currency, SUM(amount_minor - received_minor), COUNT(*)
FROM receivables WHERE received_minor < amount_minor GROUP BY 3, 4, 5, 6;
