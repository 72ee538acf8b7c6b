-- grain: one row per story: its outlets, first and last publication, independent sources and facts
create or replace view story_coverage as
with
stories_ as (select * from stories),
documents_ as (select doc_id, story_id, outlet, published_at, duplicate_of from documents),
facts_ as (select fact_id, story_id, status from facts),
first_document as (
    select story_id, outlet as first_outlet, doc_id as first_doc_id
    from documents_
    where story_id is not null
    qualify row_number() over (partition by story_id order by published_at nulls last, doc_id) = 1
),
outlets as (
    select
        story_id,
        list(distinct outlet order by outlet) filter (where outlet is not null) as outlets,
        count(*) filter (where duplicate_of is not null) as n_copies
    from documents_
    where story_id is not null
    group by story_id
),
fact_counts as (
    select
        story_id,
        count(*) as n_facts,
        count(*) filter (where status = 'consistent') as n_consistent,
        count(*) filter (where status = 'conflict') as n_conflicts,
        count(*) filter (where status = 'revised') as n_revised,
        count(*) filter (where status = 'single_source') as n_single_source
    from facts_
    group by story_id
),
final as (
    select
        s.story_id,
        s.label as story_label,
        s.n_documents,
        s.n_outlets,
        s.n_independent,
        coalesce(o.n_copies, 0) as n_copies,
        coalesce(o.outlets, []::varchar[]) as outlets,
        fd.first_outlet,
        fd.first_doc_id,
        s.first_published_at,
        s.last_published_at,
        round((epoch(s.last_published_at) - epoch(s.first_published_at)) / 3600, 2) as coverage_hours,
        coalesce(fc.n_facts, 0) as n_facts,
        coalesce(fc.n_consistent, 0) as n_consistent,
        coalesce(fc.n_conflicts, 0) as n_conflicts,
        coalesce(fc.n_revised, 0) as n_revised,
        coalesce(fc.n_single_source, 0) as n_single_source
    from stories_ s
    left join outlets o using (story_id)
    left join first_document fd using (story_id)
    left join fact_counts fc using (story_id)
)
select * from final
order by first_published_at nulls last, story_id;

comment on view story_coverage is 'One row per story: its outlets, first and last publication, independent sources and facts by verdict.';
comment on column story_coverage.story_id is 'Story (stories.story_id).';
comment on column story_coverage.story_label is 'Readable label of the story.';
comment on column story_coverage.n_documents is 'Documents in the story (copies included).';
comment on column story_coverage.n_outlets is 'Distinct outlets.';
comment on column story_coverage.n_independent is 'Independent sources: documents that are not copies of another.';
comment on column story_coverage.n_copies is 'Documents that are syndicated copies of another.';
comment on column story_coverage.outlets is 'The known outlets, alphabetical.';
comment on column story_coverage.first_outlet is 'Outlet of the earliest document (null when unknown).';
comment on column story_coverage.first_doc_id is 'The earliest document.';
comment on column story_coverage.first_published_at is 'Earliest publication time (UTC).';
comment on column story_coverage.last_published_at is 'Latest publication time (UTC).';
comment on column story_coverage.coverage_hours is 'Hours from the first to the last publication.';
comment on column story_coverage.n_facts is 'Facts (quantities) aligned in the story.';
comment on column story_coverage.n_consistent is 'Facts whose independent reports agree.';
comment on column story_coverage.n_conflicts is 'Facts whose reports cannot all be true.';
comment on column story_coverage.n_revised is 'Facts whose later reports replace earlier ones.';
comment on column story_coverage.n_single_source is 'Facts reported by one independent source only.';
