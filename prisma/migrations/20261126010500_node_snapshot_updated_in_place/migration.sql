-- A node's snapshot is rewritten with every report. Kept inline (compressed, in its row) rather
-- than in the TOAST table, with room left in each page, an update can be a heap-only-tuple
-- update in the same page: no new TOAST chunks and index entries per report, old versions pruned
-- as the page is next used, and the table stays one page per node instead of growing by a
-- report's size at every update until vacuum catches up.
ALTER TABLE "NodeSnapshot" SET (fillfactor = 50);
ALTER TABLE "NodeSnapshot" ALTER COLUMN "payload" SET STORAGE MAIN;
