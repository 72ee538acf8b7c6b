-- grain: one row per fact with at least two independent sources, for the run summary
select
    any_value(s.label) as story,
    f.label as fact,
    f.status,
    string_agg(coalesce(r.outlet, r.doc_id) || ': ' || r.surface, '; ' order by r.published_at, r.outlet) as reports
from facts f
join stories s using (story_id)
join fact_reports r using (fact_id)
where f.n_sources > 1
group by f.fact_id, f.label, f.status
order by f.status = 'conflict' desc, count(*) desc
limit 30
