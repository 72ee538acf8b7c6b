-- grain: one row per numeric mention in a document's body (number_id)
-- key: number_id, unique; checked by the validation (GX), not by an index: at 100,000 articles
-- the primary-key indexes of the large tables took 115 MB of the run's memory and a quarter of the load.
create table if not exists numbers (
    number_id varchar not null,
    doc_id varchar not null,
    sentence_no integer not null,
    char_start integer not null,
    char_end integer not null,
    surface varchar not null,
    value double,
    low double,
    high double,
    qualifier varchar not null,
    kind varchar not null,
    unit varchar,
    unit_group varchar,
    currency varchar
);
