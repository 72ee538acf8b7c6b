-- severity: info
-- description: a quantity was revised over publication time (the latest report is kept)
select fact_id, story_id, label, kind, unit_group, n_sources from {batch} where status = 'revised'
