-- grain: one row per story: documents about the same event (story_id)
create table if not exists stories (
    story_id varchar primary key,
    label varchar not null,
    n_documents integer not null,
    n_outlets integer not null,
    n_independent integer not null,
    first_published_at timestamptz,
    last_published_at timestamptz
);
