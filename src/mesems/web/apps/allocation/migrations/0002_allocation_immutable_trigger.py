"""On PostgreSQL, a trigger refuses UPDATE and DELETE of allocations even from raw SQL.
(TRUNCATE, which only an administrator's maintenance runs, is not a row change and is not caught.)"""

from __future__ import annotations

from typing import Any

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION allocation_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'allocations cannot be changed or deleted' USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER allocation_immutable BEFORE UPDATE OR DELETE ON allocation_allocation
FOR EACH ROW EXECUTE FUNCTION allocation_refuse_change();
"""
DROP = "DROP TRIGGER IF EXISTS allocation_immutable ON allocation_allocation; DROP FUNCTION IF EXISTS allocation_refuse_change();"


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("allocation", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
