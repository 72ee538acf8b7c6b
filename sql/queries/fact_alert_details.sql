-- grain: one row per mention of each fact in the registered frame _alert_facts(fact_id):
-- what each outlet reported, where (one query for all of a run's fact alerts)
select
    fm.fact_id,
    d.outlet,
    n.doc_id,
    regexp_extract(d.source_path, '[^/]+$') as file_name,
    n.number_id,
    n.sentence_no,
    n.surface,
    n.value,
    n.low,
    n.high,
    n.qualifier,
    d.published_at,
    s.text as sentence
from fact_mentions fm
join numbers n using (number_id)
join documents d on d.doc_id = n.doc_id
left join sentences s on s.doc_id = n.doc_id and s.sentence_no = n.sentence_no
where fm.fact_id in (select fact_id from _alert_facts)
order by fm.fact_id, d.published_at nulls last, d.outlet, n.number_id
