-- Dashboard figures summed per month, unit, person and currency, kept up to date by triggers in
-- the same transaction as every write (whatever writes: pages, API, imports, scripts), so that a
-- group-level dashboard over a year reads thousands of sums instead of millions of records.
-- The dashboard uses these sums only where the reader may read every record of the subtree it
-- shows; anything narrower is still counted record by record through the policy filter.
--
-- `month` is YYYYMM on the group's calendar at the offset in `report_rollup_offset_min` (the
-- display offset when the sums were built); the dashboard ignores the sums if the display offset
-- has changed since. `person_id` 0 is "nobody"; `currency` '' is a count over every currency.
-- `records` counts the records behind a sum, so a person appears on a dashboard exactly when
-- records of theirs are in the period, as with the record-by-record count. The row of
-- `person_id` -1 is the unit's total over everyone, kept by a trigger on this table: a group's
-- year then reads one row per unit and month instead of one per person.
CREATE TABLE report_rollup (
    object     TEXT     NOT NULL,
    figure     TEXT     NOT NULL,
    month      INTEGER  NOT NULL,
    unit_id    BIGINT   NOT NULL,
    person_id  BIGINT   NOT NULL,
    currency   TEXT     NOT NULL,
    value      BIGINT   NOT NULL,
    records    BIGINT   NOT NULL,
    PRIMARY KEY (object, figure, unit_id, person_id, month, currency)
);

INSERT INTO group_settings (key, value)
SELECT 'report_rollup_offset_min', value FROM group_settings WHERE key = 'display_utc_offset_min';

CREATE TRIGGER report_rollup_total_insert AFTER INSERT ON report_rollup
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT NEW.object, NEW.figure, NEW.month, NEW.unit_id, -1, NEW.currency, NEW.value, NEW.records
    WHERE NEW.person_id <> -1
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_rollup_total_update AFTER UPDATE ON report_rollup
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT NEW.object, NEW.figure, NEW.month, NEW.unit_id, -1, NEW.currency, NEW.value - OLD.value, NEW.records - OLD.records
    WHERE NEW.person_id <> -1
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_customers_insert AFTER INSERT ON customers
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'customer', 'customers_new', CAST(strftime('%Y%m', NEW.created_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), NEW.unit_id, COALESCE(NEW.owner_id, 0), '', 1, 1
    WHERE NEW.created_at IS NOT NULL
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_customers_delete AFTER DELETE ON customers
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'customer', 'customers_new', CAST(strftime('%Y%m', OLD.created_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), OLD.unit_id, COALESCE(OLD.owner_id, 0), '', -1, -1
    WHERE OLD.created_at IS NOT NULL
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_customers_update AFTER UPDATE OF unit_id, owner_id, created_at ON customers
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'customer', 'customers_new', CAST(strftime('%Y%m', OLD.created_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), OLD.unit_id, COALESCE(OLD.owner_id, 0), '', -1, -1
    WHERE OLD.created_at IS NOT NULL
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'customer', 'customers_new', CAST(strftime('%Y%m', NEW.created_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), NEW.unit_id, COALESCE(NEW.owner_id, 0), '', 1, 1
    WHERE NEW.created_at IS NOT NULL
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'customer', 'follow_ups', CAST(strftime('%Y%m', f.created_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), OLD.unit_id, f.created_by, '', -1 * COUNT(*), -1 * COUNT(*)
    FROM follow_ups f WHERE f.customer_id = NEW.id AND NEW.unit_id <> OLD.unit_id GROUP BY 3, 5
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'customer', 'pool_claims', CAST(strftime('%Y%m', f.at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), OLD.unit_id, f.user_id, '', -1 * COUNT(*), -1 * COUNT(*)
    FROM pool_claims f WHERE f.customer_id = NEW.id AND NEW.unit_id <> OLD.unit_id GROUP BY 3, 5
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'customer', 'pool_recycles', CAST(strftime('%Y%m', f.at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), OLD.unit_id, COALESCE(CAST(f.old_value AS INTEGER), 0), '', -1 * COUNT(*), -1 * COUNT(*)
    FROM customer_history f WHERE f.customer_id = NEW.id AND f.kind = 'recycle' AND NEW.unit_id <> OLD.unit_id GROUP BY 3, 5
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'customer', 'follow_ups', CAST(strftime('%Y%m', f.created_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), NEW.unit_id, f.created_by, '', 1 * COUNT(*), 1 * COUNT(*)
    FROM follow_ups f WHERE f.customer_id = NEW.id AND NEW.unit_id <> OLD.unit_id GROUP BY 3, 5
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'customer', 'pool_claims', CAST(strftime('%Y%m', f.at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), NEW.unit_id, f.user_id, '', 1 * COUNT(*), 1 * COUNT(*)
    FROM pool_claims f WHERE f.customer_id = NEW.id AND NEW.unit_id <> OLD.unit_id GROUP BY 3, 5
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'customer', 'pool_recycles', CAST(strftime('%Y%m', f.at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), NEW.unit_id, COALESCE(CAST(f.old_value AS INTEGER), 0), '', 1 * COUNT(*), 1 * COUNT(*)
    FROM customer_history f WHERE f.customer_id = NEW.id AND f.kind = 'recycle' AND NEW.unit_id <> OLD.unit_id GROUP BY 3, 5
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_leads_insert AFTER INSERT ON leads
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'lead', 'leads_new', CAST(strftime('%Y%m', NEW.created_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), NEW.unit_id, COALESCE(NEW.owner_id, 0), '', 1, 1
    WHERE NEW.created_at IS NOT NULL
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'lead', 'leads_converted', CAST(strftime('%Y%m', NEW.created_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), NEW.unit_id, COALESCE(NEW.owner_id, 0), '', 1, 1
    WHERE NEW.created_at IS NOT NULL AND NEW.status = 'converted'
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_leads_delete AFTER DELETE ON leads
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'lead', 'leads_new', CAST(strftime('%Y%m', OLD.created_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), OLD.unit_id, COALESCE(OLD.owner_id, 0), '', -1, -1
    WHERE OLD.created_at IS NOT NULL
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'lead', 'leads_converted', CAST(strftime('%Y%m', OLD.created_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), OLD.unit_id, COALESCE(OLD.owner_id, 0), '', -1, -1
    WHERE OLD.created_at IS NOT NULL AND OLD.status = 'converted'
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_leads_update AFTER UPDATE OF unit_id, owner_id, created_at, status ON leads
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'lead', 'leads_new', CAST(strftime('%Y%m', OLD.created_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), OLD.unit_id, COALESCE(OLD.owner_id, 0), '', -1, -1
    WHERE OLD.created_at IS NOT NULL
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'lead', 'leads_converted', CAST(strftime('%Y%m', OLD.created_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), OLD.unit_id, COALESCE(OLD.owner_id, 0), '', -1, -1
    WHERE OLD.created_at IS NOT NULL AND OLD.status = 'converted'
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'lead', 'leads_new', CAST(strftime('%Y%m', NEW.created_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), NEW.unit_id, COALESCE(NEW.owner_id, 0), '', 1, 1
    WHERE NEW.created_at IS NOT NULL
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'lead', 'leads_converted', CAST(strftime('%Y%m', NEW.created_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), NEW.unit_id, COALESCE(NEW.owner_id, 0), '', 1, 1
    WHERE NEW.created_at IS NOT NULL AND NEW.status = 'converted'
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'lead', 'follow_ups', CAST(strftime('%Y%m', f.created_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), OLD.unit_id, f.created_by, '', -1 * COUNT(*), -1 * COUNT(*)
    FROM lead_follow_ups f WHERE f.lead_id = NEW.id AND NEW.unit_id <> OLD.unit_id GROUP BY 3, 5
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'lead', 'follow_ups', CAST(strftime('%Y%m', f.created_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), NEW.unit_id, f.created_by, '', 1 * COUNT(*), 1 * COUNT(*)
    FROM lead_follow_ups f WHERE f.lead_id = NEW.id AND NEW.unit_id <> OLD.unit_id GROUP BY 3, 5
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_follow_ups_insert AFTER INSERT ON follow_ups
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'customer', 'follow_ups', CAST(strftime('%Y%m', NEW.created_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), p.unit_id, COALESCE(NEW.created_by, 0), '', 1, 1 FROM customers p
    WHERE NEW.created_at IS NOT NULL AND p.id = NEW.customer_id
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_follow_ups_delete AFTER DELETE ON follow_ups
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'customer', 'follow_ups', CAST(strftime('%Y%m', OLD.created_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), p.unit_id, COALESCE(OLD.created_by, 0), '', -1, -1 FROM customers p
    WHERE OLD.created_at IS NOT NULL AND p.id = OLD.customer_id
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_follow_ups_update AFTER UPDATE OF customer_id, created_by, created_at ON follow_ups
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'customer', 'follow_ups', CAST(strftime('%Y%m', OLD.created_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), p.unit_id, COALESCE(OLD.created_by, 0), '', -1, -1 FROM customers p
    WHERE OLD.created_at IS NOT NULL AND p.id = OLD.customer_id
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'customer', 'follow_ups', CAST(strftime('%Y%m', NEW.created_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), p.unit_id, COALESCE(NEW.created_by, 0), '', 1, 1 FROM customers p
    WHERE NEW.created_at IS NOT NULL AND p.id = NEW.customer_id
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_lead_follow_ups_insert AFTER INSERT ON lead_follow_ups
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'lead', 'follow_ups', CAST(strftime('%Y%m', NEW.created_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), p.unit_id, COALESCE(NEW.created_by, 0), '', 1, 1 FROM leads p
    WHERE NEW.created_at IS NOT NULL AND p.id = NEW.lead_id
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_lead_follow_ups_delete AFTER DELETE ON lead_follow_ups
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'lead', 'follow_ups', CAST(strftime('%Y%m', OLD.created_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), p.unit_id, COALESCE(OLD.created_by, 0), '', -1, -1 FROM leads p
    WHERE OLD.created_at IS NOT NULL AND p.id = OLD.lead_id
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_lead_follow_ups_update AFTER UPDATE OF lead_id, created_by, created_at ON lead_follow_ups
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'lead', 'follow_ups', CAST(strftime('%Y%m', OLD.created_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), p.unit_id, COALESCE(OLD.created_by, 0), '', -1, -1 FROM leads p
    WHERE OLD.created_at IS NOT NULL AND p.id = OLD.lead_id
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'lead', 'follow_ups', CAST(strftime('%Y%m', NEW.created_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), p.unit_id, COALESCE(NEW.created_by, 0), '', 1, 1 FROM leads p
    WHERE NEW.created_at IS NOT NULL AND p.id = NEW.lead_id
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_contracts_insert AFTER INSERT ON contracts
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'contract', 'contracts_signed', CAST(strftime('%Y%m', NEW.signed_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), NEW.unit_id, COALESCE(NEW.owner_id, 0), '', 1, 1
    WHERE NEW.signed_at IS NOT NULL
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'contract', 'signed_minor', CAST(strftime('%Y%m', NEW.signed_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), NEW.unit_id, COALESCE(NEW.owner_id, 0), NEW.currency, NEW.amount_minor, 1
    WHERE NEW.signed_at IS NOT NULL
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_contracts_delete AFTER DELETE ON contracts
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'contract', 'contracts_signed', CAST(strftime('%Y%m', OLD.signed_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), OLD.unit_id, COALESCE(OLD.owner_id, 0), '', -1, -1
    WHERE OLD.signed_at IS NOT NULL
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'contract', 'signed_minor', CAST(strftime('%Y%m', OLD.signed_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), OLD.unit_id, COALESCE(OLD.owner_id, 0), OLD.currency, -OLD.amount_minor, -1
    WHERE OLD.signed_at IS NOT NULL
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_contracts_update AFTER UPDATE OF signed_at, unit_id, owner_id, currency, amount_minor ON contracts
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'contract', 'contracts_signed', CAST(strftime('%Y%m', OLD.signed_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), OLD.unit_id, COALESCE(OLD.owner_id, 0), '', -1, -1
    WHERE OLD.signed_at IS NOT NULL
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'contract', 'signed_minor', CAST(strftime('%Y%m', OLD.signed_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), OLD.unit_id, COALESCE(OLD.owner_id, 0), OLD.currency, -OLD.amount_minor, -1
    WHERE OLD.signed_at IS NOT NULL
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'contract', 'contracts_signed', CAST(strftime('%Y%m', NEW.signed_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), NEW.unit_id, COALESCE(NEW.owner_id, 0), '', 1, 1
    WHERE NEW.signed_at IS NOT NULL
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'contract', 'signed_minor', CAST(strftime('%Y%m', NEW.signed_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), NEW.unit_id, COALESCE(NEW.owner_id, 0), NEW.currency, NEW.amount_minor, 1
    WHERE NEW.signed_at IS NOT NULL
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_receivables_insert AFTER INSERT ON receivables
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'receivable', 'planned_minor', CAST(strftime('%Y%m', NEW.due_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), NEW.unit_id, COALESCE(NEW.owner_id, 0), NEW.currency, NEW.amount_minor, 1
    WHERE NEW.due_at IS NOT NULL
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_receivables_delete AFTER DELETE ON receivables
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'receivable', 'planned_minor', CAST(strftime('%Y%m', OLD.due_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), OLD.unit_id, COALESCE(OLD.owner_id, 0), OLD.currency, -OLD.amount_minor, -1
    WHERE OLD.due_at IS NOT NULL
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_receivables_update AFTER UPDATE OF due_at, unit_id, owner_id, currency, amount_minor ON receivables
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'receivable', 'planned_minor', CAST(strftime('%Y%m', OLD.due_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), OLD.unit_id, COALESCE(OLD.owner_id, 0), OLD.currency, -OLD.amount_minor, -1
    WHERE OLD.due_at IS NOT NULL
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'receivable', 'planned_minor', CAST(strftime('%Y%m', NEW.due_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), NEW.unit_id, COALESCE(NEW.owner_id, 0), NEW.currency, NEW.amount_minor, 1
    WHERE NEW.due_at IS NOT NULL
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'receivable', 'received_minor', CAST(strftime('%Y%m', f.received_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), OLD.unit_id, COALESCE(OLD.owner_id, 0), f.currency, -1 * SUM(f.amount_minor), -1 * COUNT(*)
    FROM receipts f WHERE f.receivable_id = NEW.id AND f.reversed_at IS NULL AND (NEW.unit_id <> OLD.unit_id OR NEW.owner_id IS NOT OLD.owner_id) GROUP BY 3, 6
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'receivable', 'received_minor', CAST(strftime('%Y%m', f.received_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), NEW.unit_id, COALESCE(NEW.owner_id, 0), f.currency, 1 * SUM(f.amount_minor), 1 * COUNT(*)
    FROM receipts f WHERE f.receivable_id = NEW.id AND f.reversed_at IS NULL AND (NEW.unit_id <> OLD.unit_id OR NEW.owner_id IS NOT OLD.owner_id) GROUP BY 3, 6
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_receipts_insert AFTER INSERT ON receipts
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'receivable', 'received_minor', CAST(strftime('%Y%m', NEW.received_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), p.unit_id, COALESCE(p.owner_id, 0), NEW.currency, NEW.amount_minor, 1 FROM receivables p
    WHERE NEW.received_at IS NOT NULL AND p.id = NEW.receivable_id AND NEW.reversed_at IS NULL
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_receipts_delete AFTER DELETE ON receipts
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'receivable', 'received_minor', CAST(strftime('%Y%m', OLD.received_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), p.unit_id, COALESCE(p.owner_id, 0), OLD.currency, -OLD.amount_minor, -1 FROM receivables p
    WHERE OLD.received_at IS NOT NULL AND p.id = OLD.receivable_id AND OLD.reversed_at IS NULL
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_receipts_update AFTER UPDATE OF receivable_id, amount_minor, currency, received_at, reversed_at ON receipts
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'receivable', 'received_minor', CAST(strftime('%Y%m', OLD.received_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), p.unit_id, COALESCE(p.owner_id, 0), OLD.currency, -OLD.amount_minor, -1 FROM receivables p
    WHERE OLD.received_at IS NOT NULL AND p.id = OLD.receivable_id AND OLD.reversed_at IS NULL
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'receivable', 'received_minor', CAST(strftime('%Y%m', NEW.received_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), p.unit_id, COALESCE(p.owner_id, 0), NEW.currency, NEW.amount_minor, 1 FROM receivables p
    WHERE NEW.received_at IS NOT NULL AND p.id = NEW.receivable_id AND NEW.reversed_at IS NULL
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_pool_claims_insert AFTER INSERT ON pool_claims
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'customer', 'pool_claims', CAST(strftime('%Y%m', NEW.at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), p.unit_id, COALESCE(NEW.user_id, 0), '', 1, 1 FROM customers p
    WHERE NEW.at IS NOT NULL AND p.id = NEW.customer_id
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_pool_claims_delete AFTER DELETE ON pool_claims
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'customer', 'pool_claims', CAST(strftime('%Y%m', OLD.at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), p.unit_id, COALESCE(OLD.user_id, 0), '', -1, -1 FROM customers p
    WHERE OLD.at IS NOT NULL AND p.id = OLD.customer_id
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_pool_claims_update AFTER UPDATE OF customer_id, user_id, at ON pool_claims
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'customer', 'pool_claims', CAST(strftime('%Y%m', OLD.at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), p.unit_id, COALESCE(OLD.user_id, 0), '', -1, -1 FROM customers p
    WHERE OLD.at IS NOT NULL AND p.id = OLD.customer_id
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'customer', 'pool_claims', CAST(strftime('%Y%m', NEW.at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), p.unit_id, COALESCE(NEW.user_id, 0), '', 1, 1 FROM customers p
    WHERE NEW.at IS NOT NULL AND p.id = NEW.customer_id
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_recycles_insert AFTER INSERT ON customer_history
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'customer', 'pool_recycles', CAST(strftime('%Y%m', NEW.at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), p.unit_id, COALESCE(CAST(NEW.old_value AS INTEGER), 0), '', 1, 1 FROM customers p
    WHERE NEW.at IS NOT NULL AND p.id = NEW.customer_id AND NEW.kind = 'recycle'
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_recycles_delete AFTER DELETE ON customer_history
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'customer', 'pool_recycles', CAST(strftime('%Y%m', OLD.at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), p.unit_id, COALESCE(CAST(OLD.old_value AS INTEGER), 0), '', -1, -1 FROM customers p
    WHERE OLD.at IS NOT NULL AND p.id = OLD.customer_id AND OLD.kind = 'recycle'
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_recycles_update AFTER UPDATE OF customer_id, kind, at, old_value ON customer_history
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'customer', 'pool_recycles', CAST(strftime('%Y%m', OLD.at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), p.unit_id, COALESCE(CAST(OLD.old_value AS INTEGER), 0), '', -1, -1 FROM customers p
    WHERE OLD.at IS NOT NULL AND p.id = OLD.customer_id AND OLD.kind = 'recycle'
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'customer', 'pool_recycles', CAST(strftime('%Y%m', NEW.at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), p.unit_id, COALESCE(CAST(NEW.old_value AS INTEGER), 0), '', 1, 1 FROM customers p
    WHERE NEW.at IS NOT NULL AND p.id = NEW.customer_id AND NEW.kind = 'recycle'
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_opportunities_insert AFTER INSERT ON opportunities
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'opportunity', f.figure, NEW.stage_id, NEW.unit_id, COALESCE(NEW.owner_id, 0), CASE WHEN f.figure = 'pipeline_count' THEN '' ELSE NEW.currency END,
           CASE WHEN f.figure = 'pipeline_count' THEN 1 ELSE NEW.amount_minor END, 1
    FROM opportunity_stages st, (SELECT 'pipeline_count' AS figure UNION ALL SELECT 'pipeline_minor') f
    WHERE st.id = NEW.stage_id AND st.outcome = 'open'
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_opportunities_delete AFTER DELETE ON opportunities
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'opportunity', f.figure, OLD.stage_id, OLD.unit_id, COALESCE(OLD.owner_id, 0), CASE WHEN f.figure = 'pipeline_count' THEN '' ELSE OLD.currency END,
           CASE WHEN f.figure = 'pipeline_count' THEN -1 ELSE -OLD.amount_minor END, -1
    FROM opportunity_stages st, (SELECT 'pipeline_count' AS figure UNION ALL SELECT 'pipeline_minor') f
    WHERE st.id = OLD.stage_id AND st.outcome = 'open'
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_opportunities_update AFTER UPDATE OF stage_id, unit_id, owner_id, currency, amount_minor ON opportunities
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'opportunity', f.figure, OLD.stage_id, OLD.unit_id, COALESCE(OLD.owner_id, 0), CASE WHEN f.figure = 'pipeline_count' THEN '' ELSE OLD.currency END,
           CASE WHEN f.figure = 'pipeline_count' THEN -1 ELSE -OLD.amount_minor END, -1
    FROM opportunity_stages st, (SELECT 'pipeline_count' AS figure UNION ALL SELECT 'pipeline_minor') f
    WHERE st.id = OLD.stage_id AND st.outcome = 'open'
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'opportunity', f.figure, NEW.stage_id, NEW.unit_id, COALESCE(NEW.owner_id, 0), CASE WHEN f.figure = 'pipeline_count' THEN '' ELSE NEW.currency END,
           CASE WHEN f.figure = 'pipeline_count' THEN 1 ELSE NEW.amount_minor END, 1
    FROM opportunity_stages st, (SELECT 'pipeline_count' AS figure UNION ALL SELECT 'pipeline_minor') f
    WHERE st.id = NEW.stage_id AND st.outcome = 'open'
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

CREATE TRIGGER report_stages AFTER UPDATE OF outcome ON opportunity_stages
WHEN (OLD.outcome = 'open') <> (NEW.outcome = 'open')
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'opportunity', f.figure, NEW.id, o.unit_id, COALESCE(o.owner_id, 0), CASE WHEN f.figure = 'pipeline_count' THEN '' ELSE o.currency END,
           (CASE WHEN NEW.outcome = 'open' THEN 1 ELSE -1 END) * SUM(CASE WHEN f.figure = 'pipeline_count' THEN 1 ELSE o.amount_minor END), (CASE WHEN NEW.outcome = 'open' THEN 1 ELSE -1 END) * COUNT(*)
    FROM opportunities o, (SELECT 'pipeline_count' AS figure UNION ALL SELECT 'pipeline_minor') f
    WHERE o.stage_id = NEW.id GROUP BY 2, 4, 5, 6
    ON CONFLICT (object, figure, month, unit_id, person_id, currency) DO UPDATE SET value = value + excluded.value, records = records + excluded.records;
END;

-- The sums of what is already there.
INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
SELECT 'customer', 'customers_new', CAST(strftime('%Y%m', created_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), unit_id, COALESCE(owner_id, 0), '', COUNT(*), COUNT(*)
FROM customers GROUP BY 3, 4, 5;
INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
SELECT 'lead', 'leads_new', CAST(strftime('%Y%m', created_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), unit_id, COALESCE(owner_id, 0), '', COUNT(*), COUNT(*)
FROM leads GROUP BY 3, 4, 5;
INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
SELECT 'lead', 'leads_converted', CAST(strftime('%Y%m', created_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), unit_id, COALESCE(owner_id, 0), '', COUNT(*), COUNT(*)
FROM leads WHERE status = 'converted' GROUP BY 3, 4, 5;
INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
SELECT 'customer', 'follow_ups', CAST(strftime('%Y%m', f.created_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), r.unit_id, f.created_by, '', COUNT(*), COUNT(*)
FROM follow_ups f JOIN customers r ON r.id = f.customer_id GROUP BY 3, 4, 5;
INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
SELECT 'lead', 'follow_ups', CAST(strftime('%Y%m', f.created_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), r.unit_id, f.created_by, '', COUNT(*), COUNT(*)
FROM lead_follow_ups f JOIN leads r ON r.id = f.lead_id GROUP BY 3, 4, 5;
INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
SELECT 'contract', 'contracts_signed', CAST(strftime('%Y%m', signed_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), unit_id, COALESCE(owner_id, 0), '', COUNT(*), COUNT(*)
FROM contracts WHERE signed_at IS NOT NULL GROUP BY 3, 4, 5;
INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
SELECT 'contract', 'signed_minor', CAST(strftime('%Y%m', signed_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), unit_id, COALESCE(owner_id, 0), currency, SUM(amount_minor), COUNT(*)
FROM contracts WHERE signed_at IS NOT NULL GROUP BY 3, 4, 5, 6;
INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
SELECT 'receivable', 'planned_minor', CAST(strftime('%Y%m', due_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), unit_id, COALESCE(owner_id, 0), currency, SUM(amount_minor), COUNT(*)
FROM receivables GROUP BY 3, 4, 5, 6;
INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
SELECT 'receivable', 'received_minor', CAST(strftime('%Y%m', f.received_at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), r.unit_id, COALESCE(r.owner_id, 0), f.currency, SUM(f.amount_minor), COUNT(*)
FROM receipts f JOIN receivables r ON r.id = f.receivable_id WHERE f.reversed_at IS NULL GROUP BY 3, 4, 5, 6;
INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
SELECT 'customer', 'pool_claims', CAST(strftime('%Y%m', f.at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), r.unit_id, f.user_id, '', COUNT(*), COUNT(*)
FROM pool_claims f JOIN customers r ON r.id = f.customer_id GROUP BY 3, 4, 5;
INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
SELECT 'customer', 'pool_recycles', CAST(strftime('%Y%m', f.at / 1000 + 60 * (SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 'unixepoch') AS INTEGER), r.unit_id, COALESCE(CAST(f.old_value AS INTEGER), 0), '', COUNT(*), COUNT(*)
FROM customer_history f JOIN customers r ON r.id = f.customer_id WHERE f.kind = 'recycle' GROUP BY 3, 4, 5;
INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
SELECT 'opportunity', 'pipeline_count', o.stage_id, o.unit_id, COALESCE(o.owner_id, 0), '', COUNT(*), COUNT(*)
FROM opportunities o JOIN opportunity_stages s ON s.id = o.stage_id WHERE s.outcome = 'open' GROUP BY 3, 4, 5;
INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
SELECT 'opportunity', 'pipeline_minor', o.stage_id, o.unit_id, COALESCE(o.owner_id, 0), o.currency, SUM(o.amount_minor), COUNT(*)
FROM opportunities o JOIN opportunity_stages s ON s.id = o.stage_id WHERE s.outcome = 'open' GROUP BY 3, 4, 5, 6;
