-- Raised inside the single-statement instance insert (server: index/InstanceIndex) when a series UID is already
-- filed under another study, so that the whole statement, including a study row it may have just created,
-- rolls back. SQLSTATE GBX01 is Glassbox's own (class "GB" is not used by PostgreSQL).
CREATE FUNCTION glassbox_series_in_other_study(series_uid TEXT) RETURNS BOOLEAN
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'Series % already belongs to another study', series_uid USING ERRCODE = 'GBX01';
END;
$$;
