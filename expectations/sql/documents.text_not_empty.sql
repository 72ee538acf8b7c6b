-- severity: warning
-- description: a document has no body left after removing web debris (the source sent an empty or debris-only article)
select doc_id, source_path from {batch} where length(trim(text)) = 0
