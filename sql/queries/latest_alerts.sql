-- grain: one row per alert ($1 = include resolved, $2 = limit), most severe and newest first
select
    severity,
    check_name,
    subject,
    message,
    updated_at,
    is_resolved,
    alert_id
from alerts
where $1 or not is_resolved
order by case severity when 'error' then 0 when 'warning' then 1 else 2 end, updated_at desc
limit $2
