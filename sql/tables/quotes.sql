-- grain: one row per direct quote (quote_id)
-- key: quote_id, unique; checked by the validation (GX), not by an index: at 100,000 articles
-- the primary-key indexes of the large tables took 115 MB of the run's memory and a quarter of the load.
create table if not exists quotes (
    quote_id varchar not null,
    doc_id varchar not null,
    sentence_no integer not null,
    char_start integer not null,
    char_end integer not null,
    text varchar not null,
    speaker varchar,
    speaker_description varchar,
    is_partial boolean not null,
    quote_group_id varchar
);
