-- Profile-field values set by imports (issue 15): each row keeps the values read from the file's
-- field columns, already checked and in their canonical form ({"key": value}; null: the cell was
-- blank), until the import is applied.
ALTER TABLE import_rows ADD COLUMN fields jsonb;
