-- grain: one row per named speaker: how many statements, carried by how many outlets, and when
create or replace view speaker_quotes as
with
quotes_ as (select *, coalesce(quote_group_id, quote_id) as group_id from quotes where speaker is not null),
documents_ as (select doc_id, outlet, published_at from documents),
joined as (
    select q.*, d.outlet, d.published_at
    from quotes_ q
    join documents_ d using (doc_id)
),
group_reach as (
    select group_id, count(distinct doc_id) as n_documents
    from joined
    group by group_id
),
final as (
    select
        j.speaker,
        any_value(j.speaker_description) filter (where j.speaker_description is not null) as speaker_description,
        count(distinct j.group_id) as n_statements,
        count(*) as n_quotes,
        count(distinct j.doc_id) as n_documents,
        count(distinct j.outlet) as n_outlets,
        coalesce(list(distinct j.outlet order by j.outlet) filter (where j.outlet is not null), []::varchar[]) as outlets,
        min(j.published_at) as first_quoted_at,
        max(j.published_at) as last_quoted_at,
        arg_max(j.text, g.n_documents * 100000 + length(j.text)) as most_carried_quote
    from joined j
    join group_reach g using (group_id)
    group by j.speaker
)
select * from final
order by speaker;

comment on view speaker_quotes is 'One row per named speaker: how many statements, carried by how many outlets, and when.';
comment on column speaker_quotes.speaker is 'Speaker as named in the quotes (quotes.speaker).';
comment on column speaker_quotes.speaker_description is 'One description given with the speaker.';
comment on column speaker_quotes.n_statements is 'Distinct statements (quote groups).';
comment on column speaker_quotes.n_quotes is 'Quotes, every carrying document counted.';
comment on column speaker_quotes.n_documents is 'Documents quoting the speaker.';
comment on column speaker_quotes.n_outlets is 'Distinct known outlets quoting the speaker.';
comment on column speaker_quotes.outlets is 'Those outlets, alphabetical.';
comment on column speaker_quotes.first_quoted_at is 'Earliest publication time (UTC) of a document quoting the speaker.';
comment on column speaker_quotes.last_quoted_at is 'Latest such publication time (UTC).';
comment on column speaker_quotes.most_carried_quote is 'The speaker''s statement carried by the most documents (the longest version).';
