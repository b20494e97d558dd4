-- AlterEnum
-- On its own: PostgreSQL lets a new enum value be used only once the statement adding it has
-- committed, and the next migration (a transaction of its own) uses it.
ALTER TYPE "ServerSource" ADD VALUE 'lightd';
