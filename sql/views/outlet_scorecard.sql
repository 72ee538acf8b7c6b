-- grain: one row per outlet: its coverage, and how often its numbers disagree with other sources
create or replace view outlet_scorecard as
with
documents_ as (select doc_id, story_id, outlet, published_at, duplicate_of from documents),
numbers_ as (select number_id, doc_id, value, low, high, qualifier from numbers),
quotes_ as (select doc_id from quotes),
facts_ as (select fact_id, n_sources, status from facts),
-- Same reading as transforms/facts.py: an exact round number (a multiple of 100) stands for
-- +/- round_number_band of itself (transforms/lexicon/facts.py ROUND_NUMBER_BAND), so
-- "1,000" agrees with "1,037"; a null bound is unbounded.
params as (select 0.05 as round_number_band),
mentions as (
    select
        fm.fact_id,
        d.outlet,
        coalesce(d.duplicate_of, d.doc_id) as source_doc_id,
        case when n.qualifier = 'exact' and n.value >= 100 and n.value % 100 = 0
             then n.value * (1 - p.round_number_band) else coalesce(n.low, '-infinity'::double) end as band_low,
        case when n.qualifier = 'exact' and n.value >= 100 and n.value % 100 = 0
             then n.value * (1 + p.round_number_band) else coalesce(n.high, 'infinity'::double) end as band_high
    from fact_mentions fm
    join numbers_ n using (number_id)
    join documents_ d on d.doc_id = n.doc_id
    cross join params p
),
shared_mentions as (
    select m.* from mentions m join facts_ f using (fact_id) where f.n_sources > 1
),
disagreements as (
    select distinct a.outlet, a.fact_id
    from shared_mentions a
    join shared_mentions b
        on a.fact_id = b.fact_id
        and a.source_doc_id <> b.source_doc_id
        and (a.band_low > b.band_high or b.band_low > a.band_high)
),
coverage as (
    select
        outlet,
        count(*) as n_documents,
        count(*) filter (where duplicate_of is null) as n_independent,
        count(*) filter (where duplicate_of is not null) as n_copies,
        count(distinct story_id) as n_stories,
        min(published_at) as first_published_at,
        max(published_at) as last_published_at
    from documents_
    group by outlet
),
number_counts as (
    select d.outlet, count(*) as n_numbers
    from numbers_ n join documents_ d using (doc_id)
    group by d.outlet
),
quote_counts as (
    select d.outlet, count(*) as n_quotes
    from quotes_ q join documents_ d using (doc_id)
    group by d.outlet
),
fact_counts as (
    select
        m.outlet,
        count(distinct m.fact_id) as n_facts,
        count(distinct m.fact_id) filter (where f.n_sources > 1) as n_shared_facts,
        count(distinct m.fact_id) filter (where f.status = 'conflict') as n_conflict_facts,
        count(distinct m.fact_id) filter (where f.status = 'revised') as n_revised_facts
    from mentions m join facts_ f using (fact_id)
    group by m.outlet
),
disagreement_counts as (
    select outlet, count(*) as n_disagreeing_facts
    from disagreements
    group by outlet
),
final as (
    select
        c.outlet,
        c.n_documents,
        c.n_independent,
        c.n_copies,
        c.n_stories,
        coalesce(nc.n_numbers, 0) as n_numbers,
        coalesce(qc.n_quotes, 0) as n_quotes,
        coalesce(fc.n_facts, 0) as n_facts,
        coalesce(fc.n_shared_facts, 0) as n_shared_facts,
        coalesce(dc.n_disagreeing_facts, 0) as n_disagreeing_facts,
        round(coalesce(dc.n_disagreeing_facts, 0) / nullif(fc.n_shared_facts, 0), 3) as disagreement_rate,
        coalesce(fc.n_conflict_facts, 0) as n_conflict_facts,
        coalesce(fc.n_revised_facts, 0) as n_revised_facts,
        c.first_published_at,
        c.last_published_at
    from coverage c
    left join number_counts nc on nc.outlet is not distinct from c.outlet
    left join quote_counts qc on qc.outlet is not distinct from c.outlet
    left join fact_counts fc on fc.outlet is not distinct from c.outlet
    left join disagreement_counts dc on dc.outlet is not distinct from c.outlet
)
select * from final
order by outlet nulls last;

comment on view outlet_scorecard is 'One row per outlet: its coverage, and how often its numbers disagree with other sources.';
comment on column outlet_scorecard.outlet is 'Outlet; null groups the documents whose outlet is unknown.';
comment on column outlet_scorecard.n_documents is 'Documents from the outlet (copies included).';
comment on column outlet_scorecard.n_independent is 'Of those, documents that are not copies of another.';
comment on column outlet_scorecard.n_copies is 'Of those, syndicated copies of another document.';
comment on column outlet_scorecard.n_stories is 'Distinct stories the outlet covered.';
comment on column outlet_scorecard.n_numbers is 'Number mentions in its documents.';
comment on column outlet_scorecard.n_quotes is 'Quotes in its documents.';
comment on column outlet_scorecard.n_facts is 'Facts the outlet reported a number for.';
comment on column outlet_scorecard.n_shared_facts is 'Of those, facts also reported by another independent source (so comparable).';
comment on column outlet_scorecard.n_disagreeing_facts is 'Shared facts where one of its numbers cannot be true together with another source''s (intervals do not overlap; exact round numbers read +/- 5%).';
comment on column outlet_scorecard.disagreement_rate is 'n_disagreeing_facts / n_shared_facts; null when it shares no fact.';
comment on column outlet_scorecard.n_conflict_facts is 'Facts it reported whose verdict is conflict.';
comment on column outlet_scorecard.n_revised_facts is 'Facts it reported whose verdict is revised.';
comment on column outlet_scorecard.first_published_at is 'Its earliest publication time (UTC).';
comment on column outlet_scorecard.last_published_at is 'Its latest publication time (UTC).';
