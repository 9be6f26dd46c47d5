-- Custom migration (design §7.2): per-workflow task counts, refreshed by refreshWorkflowSummary().
-- The UNIQUE index on id is what lets REFRESH MATERIALIZED VIEW CONCURRENTLY run (readers never block).
CREATE MATERIALIZED VIEW IF NOT EXISTS "workflow_summary" AS
SELECT
    w.id,
    w.name,
    w.status,
    COUNT(t.id) AS total_tasks,
    COUNT(CASE WHEN t.status = 'completed' THEN 1 END) AS completed_tasks,
    AVG(t.actual_hours) AS avg_task_hours
FROM workflows w
LEFT JOIN tasks t ON w.id = t.workflow_id
GROUP BY w.id, w.name, w.status
WITH DATA;
--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS "idx_workflow_summary_id" ON "workflow_summary" ("id");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "idx_workflow_summary_status" ON "workflow_summary" ("status");
