-- grain: one row per rejected file or JSON record per run (path, run_id)
create table if not exists quarantine (
    path varchar not null,
    content_sha256 varchar,
    reason varchar not null,
    kept_copy varchar,
    run_id varchar not null,
    detected_at timestamptz not null,
    primary key (path, run_id)
);
