-- severity: error
-- description: every document has a non-empty cleaned body
select doc_id, source_path from {batch} where length(trim(text)) = 0
