-- grain: one row per ingest run (run_id)
create table if not exists runs (
    run_id varchar primary key,
    flow_run_id varchar,
    started_at timestamptz not null,
    finished_at timestamptz,
    status varchar not null,
    files_seen integer not null,
    files_loaded integer not null,
    files_skipped integer not null,
    files_quarantined integer not null,
    error varchar
);
