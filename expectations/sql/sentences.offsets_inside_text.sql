-- severity: error
-- description: sentence offsets lie inside their document's text and cut out exactly the sentence
-- scope: d
select s.doc_id, s.sentence_no, s.char_start, s.char_end
from {batch} s join documents d using (doc_id)
where {scope} and {part:s.doc_id} and {part:d.doc_id}
  and (s.char_start < 0 or s.char_end > d.n_chars or s.char_start >= s.char_end
   or substr(d.text, s.char_start + 1, s.char_end - s.char_start) <> s.text)
