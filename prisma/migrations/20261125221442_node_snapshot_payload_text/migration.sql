-- The snapshot's report is stored as the JSON text it came as, parsed and validated by Pharos
-- before it is written: `json` checked it a second time on every write (see schema.prisma).
-- AlterTable
ALTER TABLE "NodeSnapshot" ALTER COLUMN "payload" SET DATA TYPE TEXT;
