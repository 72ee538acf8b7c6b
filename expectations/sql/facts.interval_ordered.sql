-- severity: error
-- description: a fact's combined interval is ordered
select fact_id, low, high from {batch} where low is not null and high is not null and low > high
