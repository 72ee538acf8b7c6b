-- grain: one row per number mention aligned to a fact (fact_id, number_id)
-- key: (fact_id, number_id), unique; checked by the validation (GX), not by an index: at 100,000 articles
-- the primary-key indexes of the large tables took 115 MB of the run's memory and a quarter of the load.
create table if not exists fact_mentions (
    fact_id varchar not null,
    number_id varchar not null
);
