-- severity: error
-- description: every document belongs to a story that exists
select d.doc_id from {batch} d left join stories s using (story_id) where s.story_id is null
