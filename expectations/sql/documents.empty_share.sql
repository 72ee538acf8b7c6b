-- severity: warning
-- description: a source (outlet) sent articles with almost no body text (under 200 characters)
select coalesce(outlet, '(unknown)') as outlet, doc_id, source_path, n_chars
from {batch} where n_chars < 200
