-- grain: one row per quantity reported in a story, aligned across documents (fact_id)
-- key: fact_id, unique; checked by the validation (GX), not by an index: at 100,000 articles
-- the primary-key indexes of the large tables took 115 MB of the run's memory and a quarter of the load.
create table if not exists facts (
    fact_id varchar not null,
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
