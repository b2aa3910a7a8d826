-- audit_events is the outbox of the audit devices (file, syslog, HTTP): each event gets its place in
-- the delivery order when it is inserted. Identity values are handed out at insert time but commit
-- in any order (and a rolled-back insert leaves a gap for good), so a reader waits a bounded time at
-- a gap before it moves past it. Existing events are numbered once, in no particular order.
ALTER TABLE "audit_events" ADD COLUMN "seq" BIGINT GENERATED ALWAYS AS IDENTITY;
CREATE UNIQUE INDEX "audit_events_seq_key" ON "audit_events"("seq");

-- How far each configured device has recorded the events (the highest seq it confirmed). A device
-- seen for the first time starts at the newest event: history is not replayed to it.
CREATE TABLE "audit_device_cursors" (
    "device" TEXT NOT NULL,
    "delivered_seq" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL DEFAULT now(),

    CONSTRAINT "audit_device_cursors_pkey" PRIMARY KEY ("device")
);
