-- grain: one row per number mention aligned to a fact (fact_id, number_id)
create table if not exists fact_mentions (
    fact_id varchar not null,
    number_id varchar not null,
    primary key (fact_id, number_id)
);
