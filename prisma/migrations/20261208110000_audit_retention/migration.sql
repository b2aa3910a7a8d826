-- The audit retention prune (AUDIT_RETENTION_DAYS) finds the oldest events by creation time across
-- all organizations; the existing indexes all lead with "orgId".
CREATE INDEX "audit_events_createdAt_idx" ON "audit_events"("createdAt");
