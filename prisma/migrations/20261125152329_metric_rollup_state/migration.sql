-- CreateTable
CREATE TABLE "MetricRollupState" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "pendingFrom" TIMESTAMPTZ(3) NOT NULL,
    "cleanShutdown" BOOLEAN NOT NULL,

    CONSTRAINT "MetricRollupState_pkey" PRIMARY KEY ("id")
);
