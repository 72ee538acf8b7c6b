-- grain: one row per file path ever discovered (path)
create table if not exists files (
    path varchar primary key,
    size bigint,
    mtime_ns bigint,
    content_sha256 varchar,
    status varchar not null,
    doc_id varchar,
    last_run_id varchar not null
);
