-- Custom migration: drizzle-kit does not manage extensions. pg_trgm backs the trigram indexes
-- (idx_assistant_skills_name_trgm, and the daemon's note search). PGlite loads it from
-- @electric-sql/pglite/contrib/pg_trgm at creation; on PostgreSQL it ships with the server.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
