-- grain: one row per quantity reported in a story, aligned across documents (fact_id)
create table if not exists facts (
    fact_id varchar primary key,
    story_id varchar not null,
    label varchar not null,
    unit_group varchar,
    kind varchar not null,
    n_mentions integer not null,
    n_documents integer not null,
    n_sources integer not null,
    low double,
    high double,
    value double,
    status varchar not null
);
