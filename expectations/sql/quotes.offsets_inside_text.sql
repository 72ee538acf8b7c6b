-- severity: error
-- description: quote offsets lie inside their document's text and cut out exactly the quote
-- scope: d
select q.quote_id, q.char_start, q.char_end
from {batch} q join documents d using (doc_id)
where {scope} and {part:q.doc_id} and {part:d.doc_id}
  and (q.char_start < 0 or q.char_end > d.n_chars or q.char_start >= q.char_end
   or substr(d.text, q.char_start + 1, q.char_end - q.char_start) <> q.text)
