-- severity: warning
-- description: outlets report values for the same quantity that no single value satisfies
select fact_id, story_id, label, kind, unit_group, n_sources from {batch} where status = 'conflict'
