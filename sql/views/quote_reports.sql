-- grain: one row per quote (quote_id): who said it, which outlet carried it, and whether it carried it first
create or replace view quote_reports as
with
quotes_ as (select *, coalesce(quote_group_id, quote_id) as group_id from quotes),
documents_ as (select doc_id, story_id, outlet, title, published_at, duplicate_of from documents),
joined as (
    select q.*, d.story_id, d.outlet, d.title, d.published_at, d.duplicate_of
    from quotes_ q
    join documents_ d using (doc_id)
),
final as (
    select
        quote_id,
        group_id as quote_group_id,
        speaker,
        speaker_description,
        text,
        is_partial,
        doc_id,
        story_id,
        outlet,
        title,
        published_at,
        duplicate_of is not null as is_copy,
        sentence_no,
        count(distinct doc_id) over (partition by group_id) as group_n_documents,
        count(distinct outlet) over (partition by group_id) as group_n_outlets,
        rank() over (partition by group_id order by published_at nulls last) as carrier_rank,
        carrier_rank = 1 as is_first_carrier
    from joined
)
select * from final
order by quote_group_id, published_at nulls last, quote_id;

comment on view quote_reports is 'One row per quote: who said it, which outlet carried it, and whether that outlet carried the statement first.';
comment on column quote_reports.quote_id is 'Quote (quotes.quote_id).';
comment on column quote_reports.quote_group_id is 'Statement: quotes of the same words share it (the quote_id itself when ungrouped).';
comment on column quote_reports.speaker is 'Who said it; null when unknown.';
comment on column quote_reports.speaker_description is 'Description given with the speaker.';
comment on column quote_reports.text is 'Quoted words, without the quotation marks.';
comment on column quote_reports.is_partial is 'True for a fragment quoted inside a sentence of the writer''s own.';
comment on column quote_reports.doc_id is 'Document carrying the quote.';
comment on column quote_reports.story_id is 'Story of that document.';
comment on column quote_reports.outlet is 'Outlet of that document; null when unknown.';
comment on column quote_reports.title is 'Headline of that document.';
comment on column quote_reports.published_at is 'Publication time (UTC) of that document.';
comment on column quote_reports.is_copy is 'True when the document is a syndicated copy of another.';
comment on column quote_reports.sentence_no is 'Sentence where the quote starts.';
comment on column quote_reports.group_n_documents is 'Documents carrying the same statement.';
comment on column quote_reports.group_n_outlets is 'Distinct known outlets carrying the same statement.';
comment on column quote_reports.carrier_rank is '1 for the earliest publication of the statement, 2 for the next, ... (ties share a rank).';
comment on column quote_reports.is_first_carrier is 'True when this document published the statement first (carrier_rank = 1).';
