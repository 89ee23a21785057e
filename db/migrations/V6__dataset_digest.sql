-- The identity of a stored object for the write-once rule, and the look-up the store's reconciliation needs.
--
-- dataset_sha256: SHA-256 of the data set as the sender sent it: the stored file's bytes from dataset_offset to
-- its end (after the preamble, "DICM" and the file meta group 0002, which Glassbox writes itself for C-STORE and
-- which carries the sender's door: Source AE Title and the like). The same SOP Instance UID arriving again with
-- the same transfer syntax and the same data set digest is the same object (success, nothing written); anything
-- else under that UID is refused (0x0111 / 409) and the stored object is kept (docs/conformance.md).
-- Rows stored before this migration have NULL here: ingest computes the digest from the stored file the first
-- time the instance is offered again, and records it (server: ingest/IngestService).
ALTER TABLE instance ADD COLUMN dataset_sha256 TEXT;

