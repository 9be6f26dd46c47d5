-- Custom migration: workflow_summary (0003, design §7.2) ignored soft deletion, so a deleted task still
-- counted and a deleted workflow still had a row. Same columns and indexes; only live rows now.
DROP MATERIALIZED VIEW IF EXISTS "workflow_summary";
--> statement-breakpoint
CREATE MATERIALIZED VIEW "workflow_summary" AS
SELECT
    w.id,
    w.name,
    w.status,
    COUNT(t.id) AS total_tasks,
    COUNT(CASE WHEN t.status = 'completed' THEN 1 END) AS completed_tasks,
    AVG(t.actual_hours) AS avg_task_hours
FROM workflows w
LEFT JOIN tasks t ON w.id = t.workflow_id AND t.deleted_at IS NULL
WHERE w.deleted_at IS NULL
GROUP BY w.id, w.name, w.status
WITH DATA;
--> statement-breakpoint
CREATE UNIQUE INDEX "idx_workflow_summary_id" ON "workflow_summary" ("id");
--> statement-breakpoint
CREATE INDEX "idx_workflow_summary_status" ON "workflow_summary" ("status");
