-- grain: one row per direct quote (quote_id)
create table if not exists quotes (
    quote_id varchar primary key,
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
