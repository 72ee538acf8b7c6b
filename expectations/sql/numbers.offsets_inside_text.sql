-- severity: error
-- description: number offsets lie inside their document's text and cut out exactly the surface
-- scope: d
select n.number_id, n.char_start, n.char_end, n.surface
from {batch} n join documents d using (doc_id)
where {scope} and {part:n.doc_id} and {part:d.doc_id}
  and (n.char_start < 0 or n.char_end > d.n_chars or n.char_start >= n.char_end
   or substr(d.text, n.char_start + 1, n.char_end - n.char_start) <> n.surface)
