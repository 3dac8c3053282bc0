"""Database triggers that refuse UPDATE and DELETE on vouchers, postings and audit events.

On PostgreSQL a statement trigger refuses TRUNCATE as well (SQLite has none; its
``DELETE FROM`` fires the row triggers). The model layer already refuses; these make the
database itself refuse, whatever code or
SQL tries (bokføringsloven § 10, bokføringsforskriften § 8-1). The one way through is a row
in ``ff_ledger_guard``, written only by :func:`fakturaflyt.ledger.maintenance.guard_open`
for test-database flushes and, later, the purge of material past its retention period.
"""

from django.db import migrations

TABLES = ("ledger_voucher", "ledger_posting", "ledger_auditevent")
MESSAGE = "FF-LEDGER-IMMUTABLE: posted vouchers, postings and audit events cannot be changed or deleted"


def forwards(apps, schema_editor):
    conn = schema_editor.connection
    with conn.cursor() as cur:
        cur.execute("CREATE TABLE ff_ledger_guard (reason varchar(100) NOT NULL)")
        if conn.vendor == "postgresql":
            cur.execute(
                f"""
                CREATE FUNCTION ff_refuse_change() RETURNS trigger AS $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM ff_ledger_guard) THEN
                        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
                    END IF;
                    RAISE EXCEPTION '{MESSAGE} (% on %)', TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
                END
                $$ LANGUAGE plpgsql
                """
            )
            for table in TABLES:
                cur.execute(
                    f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION ff_refuse_change()"
                )
                # Row triggers do not fire on TRUNCATE, which would empty the books without a trace.
                cur.execute(
                    f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION ff_refuse_change()"
                )
        elif conn.vendor == "sqlite":
            for table in TABLES:
                for op in ("UPDATE", "DELETE"):
                    cur.execute(
                        f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                        f"WHEN NOT EXISTS (SELECT 1 FROM ff_ledger_guard) "
                        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
                    )
        else:
            raise RuntimeError(f"Fakturaflyt supports SQLite and PostgreSQL, not {conn.vendor}")


def backwards(apps, schema_editor):
    conn = schema_editor.connection
    with conn.cursor() as cur:
        for table in TABLES:
            if conn.vendor == "postgresql":
                cur.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}")
                cur.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            else:
                for op in ("update", "delete"):
                    cur.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op}")
        if conn.vendor == "postgresql":
            cur.execute("DROP FUNCTION IF EXISTS ff_refuse_change()")
        cur.execute("DROP TABLE ff_ledger_guard")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
