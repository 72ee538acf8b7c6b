-- grain: one row per fact with at least two independent sources, for the run summary
with per_document as (
    -- one entry per document: its outlet (or file name when the text names none) and the words it used
    select
        r.fact_id,
        coalesce(r.outlet, regexp_extract(d.source_path, '[^/]+$')) as source,
        min(r.published_at) as published_at,
        string_agg(distinct r.surface, ', ' order by r.surface) as words
    from fact_reports r
    join documents d using (doc_id)
    group by r.fact_id, r.doc_id, source
)
select
    any_value(s.label) as story,
    f.label as fact,
    f.status,
    string_agg(p.source || ': ' || p.words, '; ' order by p.published_at nulls last, p.source) as reports
from facts f
join stories s using (story_id)
join per_document p using (fact_id)
where f.n_sources > 1
group by f.fact_id, f.label, f.status
order by f.status = 'conflict' desc, count(*) desc, f.fact_id
limit 30
