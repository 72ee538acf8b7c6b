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
        arg_min(outlet, coalesce(published_at, 'infinity'::timestamptz)) as first_outlet,
        arg_min(doc_id, coalesce(published_at, 'infinity'::timestamptz)) as first_doc_id,
        min(published_at) as first_published_at,
        max(published_at) as last_published_at,
        any_value(story_id) as story_id
    from joined
    group by group_id
),
final as (
    select
        quote_group_id,
        speaker,
        coalesce(speakers, []::varchar[]) as speakers,
        text,
        n_quotes,
        n_documents,
        n_sources,
        n_outlets,
        coalesce(outlets, []::varchar[]) as outlets,
        first_outlet,
        first_doc_id,
        first_published_at,
        last_published_at,
        story_id
    from per_group
)
select * from final;

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
comment on column quote_groups.first_outlet is 'Outlet of the earliest document carrying the statement.';
comment on column quote_groups.first_doc_id is 'The earliest document carrying it.';
comment on column quote_groups.first_published_at is 'Its earliest publication time (UTC).';
comment on column quote_groups.last_published_at is 'Its latest publication time (UTC).';
comment on column quote_groups.story_id is 'Story of the carrying documents.';
