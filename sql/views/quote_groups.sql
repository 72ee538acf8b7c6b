-- grain: one row per statement (quote_group_id): the same quoted words across documents, who said them, who carried them first
create or replace view quote_groups as
with
quotes_ as (select *, coalesce(quote_group_id, quote_id) as group_id from quotes),
documents_ as (select doc_id, story_id, outlet, published_at, duplicate_of from documents),
joined as (
    select q.*, d.story_id, d.outlet, d.published_at, d.duplicate_of
    from quotes_ q
    join documents_ d using (doc_id)
),
first_carrier as (
    select group_id, outlet as first_outlet, doc_id as first_doc_id
    from joined
    qualify row_number() over (partition by group_id order by published_at nulls last, doc_id) = 1
),
per_group as (
    select
        group_id as quote_group_id,
        mode(speaker) as speaker,
        list(distinct speaker order by speaker) filter (where speaker is not null) as speakers,
        arg_max(text, length(text)) as text,
        count(*) as n_quotes,
        count(distinct doc_id) as n_documents,
        count(distinct coalesce(duplicate_of, doc_id)) as n_sources,
        count(distinct outlet) as n_outlets,
        list(distinct outlet order by outlet) filter (where outlet is not null) as outlets,
        min(published_at) as first_published_at,
        max(published_at) as last_published_at,
        any_value(story_id) as story_id
    from joined
    group by group_id
),
final as (
    select
        p.quote_group_id,
        p.speaker,
        coalesce(p.speakers, []::varchar[]) as speakers,
        p.text,
        p.n_quotes,
        p.n_documents,
        p.n_sources,
        p.n_outlets,
        coalesce(p.outlets, []::varchar[]) as outlets,
        f.first_outlet,
        f.first_doc_id,
        p.first_published_at,
        p.last_published_at,
        p.story_id
    from per_group p
    join first_carrier f on f.group_id = p.quote_group_id
)
select * from final
order by first_published_at nulls last, quote_group_id;

comment on view quote_groups is 'One row per statement: the same quoted words across documents, who said them and who carried them first.';
comment on column quote_groups.quote_group_id is 'Statement (quotes.quote_group_id, or the quote_id of an ungrouped quote).';
comment on column quote_groups.speaker is 'Speaker the carrying documents name most often; null when none names one.';
comment on column quote_groups.speakers is 'Every speaker name the documents give for the statement (they may differ).';
comment on column quote_groups.text is 'The longest version of the quoted words.';
comment on column quote_groups.n_quotes is 'Quotes in the group.';
comment on column quote_groups.n_documents is 'Documents carrying the statement.';
comment on column quote_groups.n_sources is 'Independent sources carrying it (copies count once).';
comment on column quote_groups.n_outlets is 'Distinct known outlets carrying it.';
comment on column quote_groups.outlets is 'Those outlets, alphabetical.';
comment on column quote_groups.first_outlet is 'Outlet of the earliest document carrying the statement (null when that document has no known outlet).';
comment on column quote_groups.first_doc_id is 'The earliest document carrying it.';
comment on column quote_groups.first_published_at is 'Its earliest publication time (UTC).';
comment on column quote_groups.last_published_at is 'Its latest publication time (UTC).';
comment on column quote_groups.story_id is 'Story of the carrying documents.';
