-- grain: one row per mention of one fact ($1 = fact_id): what each outlet reported, where
select
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
where fm.fact_id = $1
order by d.published_at nulls last, d.outlet, n.number_id
