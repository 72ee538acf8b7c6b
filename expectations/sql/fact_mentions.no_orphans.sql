-- severity: error
-- description: every fact mention links an existing fact and an existing number
select fm.fact_id, fm.number_id from {batch} fm
left join facts f using (fact_id) left join numbers n using (number_id)
where f.fact_id is null or n.number_id is null
