-- Reconciliation of the object store with the index (server: store/StoreReconciler) asks which of a batch of files
-- in the store an index row references; a file no row references, older than the safe age
-- (GLASSBOX_STORE_ORPHAN_AGE), is a crash leftover (renamed into place, its row never committed) and is removed.
-- Built once at the upgrade's start, before the server accepts anything.
CREATE INDEX instance_storage_path_idx ON instance(storage_path);
