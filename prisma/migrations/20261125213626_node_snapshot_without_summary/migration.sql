-- AlterTable
ALTER TABLE "NodeSnapshot" DROP COLUMN "summary";
