-- grain: one row per numeric mention in a document's body (number_id)
create table if not exists numbers (
    number_id varchar primary key,
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
