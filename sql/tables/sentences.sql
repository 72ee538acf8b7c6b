-- grain: one row per sentence of a document's cleaned text (doc_id, sentence_no)
-- key: (doc_id, sentence_no), unique; checked by the validation (GX), not by an index: at 100,000 articles
-- the primary-key indexes of the large tables took 115 MB of the run's memory and a quarter of the load.
create table if not exists sentences (
    doc_id varchar not null,
    sentence_no integer not null,
    paragraph_no integer not null,
    char_start integer not null,
    char_end integer not null,
    text varchar not null,
    role varchar not null
);
