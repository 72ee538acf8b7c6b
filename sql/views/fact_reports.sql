-- grain: one row per fact and reporting mention: the value each outlet reported, with its sentence
create or replace view fact_reports as
with
fact_mentions_ as (select * from fact_mentions),
facts_ as (select * from facts),
numbers_ as (select * from numbers),
documents_ as (select doc_id, outlet, title, published_at, duplicate_of from documents),
sentences_ as (select doc_id, sentence_no, text from sentences),
final as (
    select
        f.fact_id,
        f.story_id,
        f.label as fact_label,
        f.status,
        d.outlet,
        d.doc_id,
        d.title,
        d.published_at,
        d.duplicate_of is not null as is_copy,
        n.number_id,
        n.surface,
        n.value,
        n.low,
        n.high,
        n.qualifier,
        n.unit,
        n.sentence_no,
        s.text as sentence
    from fact_mentions_ fm
    join facts_ f using (fact_id)
    join numbers_ n using (number_id)
    join documents_ d on d.doc_id = n.doc_id
    left join sentences_ s on s.doc_id = n.doc_id and s.sentence_no = n.sentence_no
)
select * from final
order by fact_id, published_at nulls last, number_id;

comment on view fact_reports is 'One row per fact and reporting mention: the value each outlet reported for each fact, with the sentence.';
comment on column fact_reports.fact_id is 'Fact (facts.fact_id).';
comment on column fact_reports.story_id is 'Story of the fact.';
comment on column fact_reports.fact_label is 'Readable label of the fact (facts.label).';
comment on column fact_reports.status is 'Verdict on the fact: consistent, conflict, revised or single_source.';
comment on column fact_reports.outlet is 'Outlet of the reporting document; null when unknown.';
comment on column fact_reports.doc_id is 'Reporting document.';
comment on column fact_reports.title is 'Headline of the reporting document.';
comment on column fact_reports.published_at is 'Publication time (UTC) of the reporting document.';
comment on column fact_reports.is_copy is 'True when the document is a syndicated copy of another (not an independent source).';
comment on column fact_reports.number_id is 'The number mention (numbers.number_id).';
comment on column fact_reports.surface is 'The words as written, qualifier included ("more than 1,000").';
comment on column fact_reports.value is 'Best single value of the mention; null when the words give none.';
comment on column fact_reports.low is 'Inclusive lower bound of the mention; null = unbounded.';
comment on column fact_reports.high is 'Inclusive upper bound of the mention; null = unbounded.';
comment on column fact_reports.qualifier is 'exact, approximate, at_least, more_than, at_most, less_than, range or vague.';
comment on column fact_reports.unit is 'What is counted, as written.';
comment on column fact_reports.sentence_no is 'Sentence of the mention in its document.';
comment on column fact_reports.sentence is 'Text of that sentence.';
