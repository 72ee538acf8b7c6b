-- grain: one row per story and outlet: what each outlet published about the story, and when
create or replace view story_outlets as
with
stories_ as (select story_id, label, first_published_at from stories),
documents_ as (select doc_id, story_id, outlet, title, published_at, duplicate_of from documents),
fact_reports_ as (
    select d.story_id, d.outlet, fm.fact_id
    from fact_mentions fm
    join numbers n using (number_id)
    join documents_ d on d.doc_id = n.doc_id
),
per_outlet as (
    select
        story_id,
        outlet,
        count(*) as n_documents,
        count(*) filter (where duplicate_of is null) as n_independent,
        count(*) filter (where duplicate_of is not null) as n_copies,
        min(published_at) as first_published_at,
        max(published_at) as last_published_at,
        arg_min(title, coalesce(published_at, 'infinity'::timestamptz)) as first_title
    from documents_
    where story_id is not null
    group by story_id, outlet
),
facts_per_outlet as (
    select story_id, outlet, count(distinct fact_id) as n_facts
    from fact_reports_
    group by story_id, outlet
),
final as (
    select
        p.story_id,
        s.label as story_label,
        p.outlet,
        p.n_documents,
        p.n_independent,
        p.n_copies,
        p.first_published_at,
        p.last_published_at,
        p.first_title,
        round((epoch(p.first_published_at) - epoch(s.first_published_at)) / 3600, 2) as hours_behind_first,
        rank() over (partition by p.story_id order by p.first_published_at nulls last) as publication_rank,
        coalesce(f.n_facts, 0) as n_facts
    from per_outlet p
    join stories_ s using (story_id)
    left join facts_per_outlet f on f.story_id = p.story_id and f.outlet is not distinct from p.outlet
)
select * from final
order by story_id, first_published_at nulls last, outlet nulls last;

comment on view story_outlets is 'One row per story and outlet: what each outlet published about the story, and when.';
comment on column story_outlets.story_id is 'Story (stories.story_id).';
comment on column story_outlets.story_label is 'Readable label of the story.';
comment on column story_outlets.outlet is 'Outlet; null groups the documents whose outlet is unknown.';
comment on column story_outlets.n_documents is 'Documents of the story from this outlet (copies included).';
comment on column story_outlets.n_independent is 'Of those, documents that are not copies of another.';
comment on column story_outlets.n_copies is 'Of those, syndicated copies of another document.';
comment on column story_outlets.first_published_at is 'The outlet''s first publication on the story (UTC).';
comment on column story_outlets.last_published_at is 'The outlet''s last publication on the story (UTC).';
comment on column story_outlets.first_title is 'Headline of the outlet''s earliest document on the story that has one.';
comment on column story_outlets.hours_behind_first is 'Hours after the story''s first publication that the outlet first published (0 for the first).';
comment on column story_outlets.publication_rank is '1 for the outlet that published first, 2 for the next, ...';
comment on column story_outlets.n_facts is 'Facts of the story this outlet reported a number for.';
