-- grain: one row per fact the sources disagree on (status conflict or revised), most recently reported first
create or replace view fact_disputes as
with
facts_ as (select * from facts where status in ('conflict', 'revised')),
stories_ as (select story_id, label from stories),
fact_mentions_ as (select * from fact_mentions),
numbers_ as (select number_id, doc_id, surface, value from numbers),
documents_ as (select doc_id, outlet, published_at, duplicate_of from documents),
reports as (
    select
        fm.fact_id,
        d.outlet,
        d.doc_id,
        d.published_at,
        coalesce(d.duplicate_of, d.doc_id) as source_doc_id,
        n.surface,
        n.value
    from fact_mentions_ fm
    join numbers_ n using (number_id)
    join documents_ d on d.doc_id = n.doc_id
),
per_fact as (
    select
        fact_id,
        count(distinct outlet) as n_outlets,
        min(value) as min_value,
        max(value) as max_value,
        min(published_at) as first_reported_at,
        max(published_at) as last_reported_at,
        string_agg(coalesce(outlet, 'doc ' || doc_id) || ': ' || surface, '; '
                   order by published_at nulls last, outlet, surface) as reports
    from reports
    group by fact_id
),
final as (
    select
        f.fact_id,
        f.story_id,
        s.label as story_label,
        f.label as fact_label,
        f.status,
        f.kind,
        f.unit_group,
        f.n_sources,
        f.n_documents,
        coalesce(p.n_outlets, 0) as n_outlets,
        p.min_value,
        p.max_value,
        f.value,
        p.first_reported_at,
        p.last_reported_at,
        p.reports
    from facts_ f
    left join stories_ s using (story_id)
    left join per_fact p using (fact_id)
)
select * from final
order by last_reported_at desc nulls last, fact_id;

comment on view fact_disputes is 'One row per fact the sources disagree on (conflict or revised), most recently reported first.';
comment on column fact_disputes.fact_id is 'Fact (facts.fact_id).';
comment on column fact_disputes.story_id is 'Story of the fact.';
comment on column fact_disputes.story_label is 'Readable label of the story.';
comment on column fact_disputes.fact_label is 'Readable label of the fact.';
comment on column fact_disputes.status is 'conflict (the reports cannot all be true) or revised (later reports replace earlier ones).';
comment on column fact_disputes.kind is 'Kind of the mentions (count, money, percent, measure).';
comment on column fact_disputes.unit_group is 'Unit group of the mentions.';
comment on column fact_disputes.n_sources is 'Independent sources (copies count once).';
comment on column fact_disputes.n_documents is 'Documents with a mention of the fact.';
comment on column fact_disputes.n_outlets is 'Distinct known outlets reporting the fact.';
comment on column fact_disputes.min_value is 'Smallest single value reported; null when no report gives one.';
comment on column fact_disputes.max_value is 'Largest single value reported.';
comment on column fact_disputes.value is 'Best value: the latest report for a revised fact, null for a conflict.';
comment on column fact_disputes.first_reported_at is 'Earliest publication time (UTC) of a report of the fact.';
comment on column fact_disputes.last_reported_at is 'Latest publication time (UTC) of a report of the fact; the view is ordered by it, newest first.';
comment on column fact_disputes.reports is 'Every report as "outlet: words as written" ("doc <doc_id>" when the outlet is unknown), in publication order, separated by "; ".';
