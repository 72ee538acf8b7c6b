-- grain: one row per data-quality or consistency finding (alert_id), kept across runs
create table if not exists alerts (
    alert_id varchar primary key,
    run_id varchar not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    severity varchar not null,
    check_name varchar not null,
    subject varchar not null,
    message varchar not null,
    details json,
    is_resolved boolean not null
);
