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
select * from final;
