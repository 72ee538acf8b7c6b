-- severity: error
-- description: low <= value <= high wherever they are known
select number_id, surface, low, value, high from {batch}
where (low is not null and high is not null and low > high)
   or (value is not null and low is not null and value < low)
   or (value is not null and high is not null and value > high)
