-- Dashboard figures summed per month, unit, person and currency, kept up to date by triggers in
-- the same transaction as every write (whatever writes: pages, API, imports, scripts), so that a
-- group-level dashboard over a year reads thousands of sums instead of millions of records.
-- The dashboard uses these sums only where the reader may read every record of the subtree it
-- shows; anything narrower is still counted record by record through the policy filter.
--
-- `month` is YYYYMM on the group's calendar at the offset in `report_rollup_offset_min` (the
-- display offset when the sums were built); the dashboard ignores the sums if the display offset
-- has changed since. `person_id` 0 is "nobody"; `currency` '' is a count over every currency.
-- The open pipeline is a figure of the present, not of a period: its rows (object
-- 'opportunity') hold the stage in `month` and count only opportunities at an open stage.
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

CREATE FUNCTION report_rollup_total() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    VALUES (NEW.object, NEW.figure, NEW.month, NEW.unit_id, -1, NEW.currency,
            NEW.value - CASE WHEN TG_OP = 'UPDATE' THEN OLD.value ELSE 0 END,
            NEW.records - CASE WHEN TG_OP = 'UPDATE' THEN OLD.records ELSE 0 END)
    ON CONFLICT (object, figure, month, unit_id, person_id, currency)
    DO UPDATE SET value = report_rollup.value + excluded.value, records = report_rollup.records + excluded.records;
    RETURN NULL;
END $$;
CREATE TRIGGER report_rollup_total AFTER INSERT OR UPDATE ON report_rollup
FOR EACH ROW WHEN (NEW.person_id <> -1) EXECUTE FUNCTION report_rollup_total();

CREATE FUNCTION report_month(at BIGINT) RETURNS INTEGER LANGUAGE sql STABLE AS $$
    SELECT CAST(EXTRACT(YEAR FROM t) * 100 + EXTRACT(MONTH FROM t) AS INTEGER)
    FROM (SELECT to_timestamp(at / 1000 + 60 * COALESCE((SELECT value FROM group_settings WHERE key = 'report_rollup_offset_min'), 0)) AT TIME ZONE 'UTC' AS t) m
$$;

-- Adds `value` and `records` to one sum; nothing for a record without a date or a unit.
CREATE FUNCTION report_bump(p_object TEXT, p_figure TEXT, p_at BIGINT, p_unit BIGINT, p_person BIGINT, p_currency TEXT, p_value BIGINT, p_records BIGINT)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF p_at IS NULL OR p_unit IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    VALUES (p_object, p_figure, report_month(p_at), p_unit, COALESCE(p_person, 0), p_currency, p_value, p_records)
    ON CONFLICT (object, figure, month, unit_id, person_id, currency)
    DO UPDATE SET value = report_rollup.value + excluded.value, records = report_rollup.records + excluded.records;
END $$;

-- A recycle's person is the owner who lost the customer, kept as text in the history.
CREATE FUNCTION report_recycled_owner(old_value TEXT) RETURNS BIGINT LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN old_value ~ '^[0-9]{1,18}$' THEN CAST(old_value AS BIGINT) END
$$;

-- The records counted in a customer's unit though someone else is their person (follow-ups,
-- claims, recycles), added to (sign 1) or taken from (sign -1) `unit`: they move with the customer.
CREATE FUNCTION report_customer_dependents(p_customer BIGINT, p_unit BIGINT, p_sign BIGINT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'customer', 'follow_ups', report_month(f.created_at), p_unit, f.created_by, '', p_sign * COUNT(*), p_sign * COUNT(*)
    FROM follow_ups f WHERE f.customer_id = p_customer GROUP BY report_month(f.created_at), f.created_by
    ON CONFLICT (object, figure, month, unit_id, person_id, currency)
    DO UPDATE SET value = report_rollup.value + excluded.value, records = report_rollup.records + excluded.records;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'customer', 'pool_claims', report_month(f.at), p_unit, f.user_id, '', p_sign * COUNT(*), p_sign * COUNT(*)
    FROM pool_claims f WHERE f.customer_id = p_customer GROUP BY report_month(f.at), f.user_id
    ON CONFLICT (object, figure, month, unit_id, person_id, currency)
    DO UPDATE SET value = report_rollup.value + excluded.value, records = report_rollup.records + excluded.records;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'customer', 'pool_recycles', report_month(f.at), p_unit, COALESCE(report_recycled_owner(f.old_value), 0), '', p_sign * COUNT(*), p_sign * COUNT(*)
    FROM customer_history f WHERE f.customer_id = p_customer AND f.kind = 'recycle' GROUP BY report_month(f.at), COALESCE(report_recycled_owner(f.old_value), 0)
    ON CONFLICT (object, figure, month, unit_id, person_id, currency)
    DO UPDATE SET value = report_rollup.value + excluded.value, records = report_rollup.records + excluded.records;
$$;

CREATE FUNCTION report_customers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM report_bump('customer', 'customers_new', OLD.created_at, OLD.unit_id, OLD.owner_id, '', -1, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM report_bump('customer', 'customers_new', NEW.created_at, NEW.unit_id, NEW.owner_id, '', 1, 1);
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.unit_id IS DISTINCT FROM OLD.unit_id THEN
        PERFORM report_customer_dependents(NEW.id, OLD.unit_id, -1);
        PERFORM report_customer_dependents(NEW.id, NEW.unit_id, 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER report_customers AFTER INSERT OR DELETE OR UPDATE OF unit_id, owner_id, created_at ON customers
FOR EACH ROW EXECUTE FUNCTION report_customers();

CREATE FUNCTION report_leads() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM report_bump('lead', 'leads_new', OLD.created_at, OLD.unit_id, OLD.owner_id, '', -1, -1);
        IF OLD.status = 'converted' THEN
            PERFORM report_bump('lead', 'leads_converted', OLD.created_at, OLD.unit_id, OLD.owner_id, '', -1, -1);
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM report_bump('lead', 'leads_new', NEW.created_at, NEW.unit_id, NEW.owner_id, '', 1, 1);
        IF NEW.status = 'converted' THEN
            PERFORM report_bump('lead', 'leads_converted', NEW.created_at, NEW.unit_id, NEW.owner_id, '', 1, 1);
        END IF;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.unit_id IS DISTINCT FROM OLD.unit_id THEN
        INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
        SELECT 'lead', 'follow_ups', report_month(f.created_at), u.unit_id, f.created_by, '', u.sign * COUNT(*), u.sign * COUNT(*)
        FROM lead_follow_ups f CROSS JOIN (VALUES (OLD.unit_id, -1), (NEW.unit_id, 1)) AS u(unit_id, sign)
        WHERE f.lead_id = NEW.id GROUP BY report_month(f.created_at), u.unit_id, u.sign, f.created_by
        ON CONFLICT (object, figure, month, unit_id, person_id, currency)
        DO UPDATE SET value = report_rollup.value + excluded.value, records = report_rollup.records + excluded.records;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER report_leads AFTER INSERT OR DELETE OR UPDATE OF unit_id, owner_id, created_at, status ON leads
FOR EACH ROW EXECUTE FUNCTION report_leads();

CREATE FUNCTION report_follow_ups() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM report_bump('customer', 'follow_ups', OLD.created_at, (SELECT unit_id FROM customers WHERE id = OLD.customer_id), OLD.created_by, '', -1, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM report_bump('customer', 'follow_ups', NEW.created_at, (SELECT unit_id FROM customers WHERE id = NEW.customer_id), NEW.created_by, '', 1, 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER report_follow_ups AFTER INSERT OR DELETE OR UPDATE OF customer_id, created_by, created_at ON follow_ups
FOR EACH ROW EXECUTE FUNCTION report_follow_ups();

CREATE FUNCTION report_lead_follow_ups() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM report_bump('lead', 'follow_ups', OLD.created_at, (SELECT unit_id FROM leads WHERE id = OLD.lead_id), OLD.created_by, '', -1, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM report_bump('lead', 'follow_ups', NEW.created_at, (SELECT unit_id FROM leads WHERE id = NEW.lead_id), NEW.created_by, '', 1, 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER report_lead_follow_ups AFTER INSERT OR DELETE OR UPDATE OF lead_id, created_by, created_at ON lead_follow_ups
FOR EACH ROW EXECUTE FUNCTION report_lead_follow_ups();

CREATE FUNCTION report_contracts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM report_bump('contract', 'contracts_signed', OLD.signed_at, OLD.unit_id, OLD.owner_id, '', -1, -1);
        PERFORM report_bump('contract', 'signed_minor', OLD.signed_at, OLD.unit_id, OLD.owner_id, OLD.currency, -OLD.amount_minor, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM report_bump('contract', 'contracts_signed', NEW.signed_at, NEW.unit_id, NEW.owner_id, '', 1, 1);
        PERFORM report_bump('contract', 'signed_minor', NEW.signed_at, NEW.unit_id, NEW.owner_id, NEW.currency, NEW.amount_minor, 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER report_contracts AFTER INSERT OR DELETE OR UPDATE OF signed_at, unit_id, owner_id, currency, amount_minor ON contracts
FOR EACH ROW EXECUTE FUNCTION report_contracts();

-- Receipts count for their receivable's unit and owner: they move with it.
CREATE FUNCTION report_receivables() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM report_bump('receivable', 'planned_minor', OLD.due_at, OLD.unit_id, OLD.owner_id, OLD.currency, -OLD.amount_minor, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM report_bump('receivable', 'planned_minor', NEW.due_at, NEW.unit_id, NEW.owner_id, NEW.currency, NEW.amount_minor, 1);
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.unit_id IS DISTINCT FROM OLD.unit_id OR NEW.owner_id IS DISTINCT FROM OLD.owner_id) THEN
        INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
        SELECT 'receivable', 'received_minor', report_month(f.received_at), u.unit_id, u.person_id, f.currency, u.sign * SUM(f.amount_minor), u.sign * COUNT(*)
        FROM receipts f CROSS JOIN (VALUES (OLD.unit_id, COALESCE(OLD.owner_id, 0), -1), (NEW.unit_id, COALESCE(NEW.owner_id, 0), 1)) AS u(unit_id, person_id, sign)
        WHERE f.receivable_id = NEW.id AND f.reversed_at IS NULL
        GROUP BY report_month(f.received_at), u.unit_id, u.person_id, u.sign, f.currency
        ON CONFLICT (object, figure, month, unit_id, person_id, currency)
        DO UPDATE SET value = report_rollup.value + excluded.value, records = report_rollup.records + excluded.records;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER report_receivables AFTER INSERT OR DELETE OR UPDATE OF due_at, unit_id, owner_id, currency, amount_minor ON receivables
FOR EACH ROW EXECUTE FUNCTION report_receivables();

CREATE FUNCTION report_receipts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r RECORD;
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.reversed_at IS NULL THEN
        SELECT unit_id, owner_id INTO r FROM receivables WHERE id = OLD.receivable_id;
        PERFORM report_bump('receivable', 'received_minor', OLD.received_at, r.unit_id, r.owner_id, OLD.currency, -OLD.amount_minor, -1);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.reversed_at IS NULL THEN
        SELECT unit_id, owner_id INTO r FROM receivables WHERE id = NEW.receivable_id;
        PERFORM report_bump('receivable', 'received_minor', NEW.received_at, r.unit_id, r.owner_id, NEW.currency, NEW.amount_minor, 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER report_receipts AFTER INSERT OR DELETE OR UPDATE OF receivable_id, amount_minor, currency, received_at, reversed_at ON receipts
FOR EACH ROW EXECUTE FUNCTION report_receipts();

CREATE FUNCTION report_pool_claims() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM report_bump('customer', 'pool_claims', OLD.at, (SELECT unit_id FROM customers WHERE id = OLD.customer_id), OLD.user_id, '', -1, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM report_bump('customer', 'pool_claims', NEW.at, (SELECT unit_id FROM customers WHERE id = NEW.customer_id), NEW.user_id, '', 1, 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER report_pool_claims AFTER INSERT OR DELETE OR UPDATE OF customer_id, user_id, at ON pool_claims
FOR EACH ROW EXECUTE FUNCTION report_pool_claims();

CREATE FUNCTION report_recycles() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.kind = 'recycle' THEN
        PERFORM report_bump('customer', 'pool_recycles', OLD.at, (SELECT unit_id FROM customers WHERE id = OLD.customer_id), report_recycled_owner(OLD.old_value), '', -1, -1);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.kind = 'recycle' THEN
        PERFORM report_bump('customer', 'pool_recycles', NEW.at, (SELECT unit_id FROM customers WHERE id = NEW.customer_id), report_recycled_owner(NEW.old_value), '', 1, 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER report_recycles AFTER INSERT OR DELETE OR UPDATE OF customer_id, kind, at, old_value ON customer_history
FOR EACH ROW EXECUTE FUNCTION report_recycles();

CREATE FUNCTION report_pipeline_bump(p_stage BIGINT, p_unit BIGINT, p_person BIGINT, p_currency TEXT, p_amount BIGINT, p_sign BIGINT)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF p_stage IS NULL OR NOT EXISTS (SELECT 1 FROM opportunity_stages WHERE id = p_stage AND outcome = 'open') THEN
        RETURN;
    END IF;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    VALUES ('opportunity', 'pipeline_count', p_stage, p_unit, COALESCE(p_person, 0), '', p_sign, p_sign),
           ('opportunity', 'pipeline_minor', p_stage, p_unit, COALESCE(p_person, 0), p_currency, p_sign * p_amount, p_sign)
    ON CONFLICT (object, figure, month, unit_id, person_id, currency)
    DO UPDATE SET value = report_rollup.value + excluded.value, records = report_rollup.records + excluded.records;
END $$;

CREATE FUNCTION report_opportunities() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM report_pipeline_bump(OLD.stage_id, OLD.unit_id, OLD.owner_id, OLD.currency, OLD.amount_minor, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM report_pipeline_bump(NEW.stage_id, NEW.unit_id, NEW.owner_id, NEW.currency, NEW.amount_minor, 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER report_opportunities AFTER INSERT OR DELETE OR UPDATE OF stage_id, unit_id, owner_id, currency, amount_minor ON opportunities
FOR EACH ROW EXECUTE FUNCTION report_opportunities();

-- A stage that becomes open (or stops being open) brings its opportunities into the pipeline
-- (or takes them out).
CREATE FUNCTION report_stages() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    direction BIGINT := CASE WHEN NEW.outcome = 'open' THEN 1 ELSE -1 END;
BEGIN
    IF (OLD.outcome = 'open') = (NEW.outcome = 'open') THEN
        RETURN NULL;
    END IF;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'opportunity', f.figure, NEW.id, o.unit_id, COALESCE(o.owner_id, 0), CASE WHEN f.figure = 'pipeline_count' THEN '' ELSE o.currency END,
           direction * SUM(CASE WHEN f.figure = 'pipeline_count' THEN 1 ELSE o.amount_minor END), direction * COUNT(*)
    FROM opportunities o CROSS JOIN (SELECT 'pipeline_count' AS figure UNION ALL SELECT 'pipeline_minor') f
    WHERE o.stage_id = NEW.id GROUP BY 2, 4, 5, 6
    ON CONFLICT (object, figure, month, unit_id, person_id, currency)
    DO UPDATE SET value = report_rollup.value + excluded.value, records = report_rollup.records + excluded.records;
    RETURN NULL;
END $$;
CREATE TRIGGER report_stages AFTER UPDATE OF outcome ON opportunity_stages
FOR EACH ROW EXECUTE FUNCTION report_stages();

-- The sums of what is there, from scratch: after the migration and after bulk loads that write
-- with triggers off.
CREATE FUNCTION report_rollup_rebuild() RETURNS void LANGUAGE sql AS $$
    DELETE FROM report_rollup;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'customer', 'customers_new', report_month(created_at), unit_id, COALESCE(owner_id, 0), '', COUNT(*), COUNT(*)
    FROM customers GROUP BY 3, 4, 5;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'lead', 'leads_new', report_month(created_at), unit_id, COALESCE(owner_id, 0), '', COUNT(*), COUNT(*)
    FROM leads GROUP BY 3, 4, 5;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'lead', 'leads_converted', report_month(created_at), unit_id, COALESCE(owner_id, 0), '', COUNT(*), COUNT(*)
    FROM leads WHERE status = 'converted' GROUP BY 3, 4, 5;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'customer', 'follow_ups', report_month(f.created_at), r.unit_id, f.created_by, '', COUNT(*), COUNT(*)
    FROM follow_ups f JOIN customers r ON r.id = f.customer_id GROUP BY 3, 4, 5;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'lead', 'follow_ups', report_month(f.created_at), r.unit_id, f.created_by, '', COUNT(*), COUNT(*)
    FROM lead_follow_ups f JOIN leads r ON r.id = f.lead_id GROUP BY 3, 4, 5;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'contract', 'contracts_signed', report_month(signed_at), unit_id, COALESCE(owner_id, 0), '', COUNT(*), COUNT(*)
    FROM contracts WHERE signed_at IS NOT NULL GROUP BY 3, 4, 5;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'contract', 'signed_minor', report_month(signed_at), unit_id, COALESCE(owner_id, 0), currency, SUM(amount_minor), COUNT(*)
    FROM contracts WHERE signed_at IS NOT NULL GROUP BY 3, 4, 5, 6;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'receivable', 'planned_minor', report_month(due_at), unit_id, COALESCE(owner_id, 0), currency, SUM(amount_minor), COUNT(*)
    FROM receivables GROUP BY 3, 4, 5, 6;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'receivable', 'received_minor', report_month(f.received_at), r.unit_id, COALESCE(r.owner_id, 0), f.currency, SUM(f.amount_minor), COUNT(*)
    FROM receipts f JOIN receivables r ON r.id = f.receivable_id WHERE f.reversed_at IS NULL GROUP BY 3, 4, 5, 6;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'customer', 'pool_claims', report_month(f.at), r.unit_id, f.user_id, '', COUNT(*), COUNT(*)
    FROM pool_claims f JOIN customers r ON r.id = f.customer_id GROUP BY 3, 4, 5;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'customer', 'pool_recycles', report_month(f.at), r.unit_id, COALESCE(report_recycled_owner(f.old_value), 0), '', COUNT(*), COUNT(*)
    FROM customer_history f JOIN customers r ON r.id = f.customer_id WHERE f.kind = 'recycle' GROUP BY 3, 4, 5;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'opportunity', 'pipeline_count', o.stage_id, o.unit_id, COALESCE(o.owner_id, 0), '', COUNT(*), COUNT(*)
    FROM opportunities o JOIN opportunity_stages s ON s.id = o.stage_id WHERE s.outcome = 'open' GROUP BY 3, 4, 5;
    INSERT INTO report_rollup (object, figure, month, unit_id, person_id, currency, value, records)
    SELECT 'opportunity', 'pipeline_minor', o.stage_id, o.unit_id, COALESCE(o.owner_id, 0), o.currency, SUM(o.amount_minor), COUNT(*)
    FROM opportunities o JOIN opportunity_stages s ON s.id = o.stage_id WHERE s.outcome = 'open' GROUP BY 3, 4, 5, 6;
$$;
SELECT report_rollup_rebuild();
