"""Web debris: whole lines a scraper keeps that are not part of the article.

Each entry is (kind, pattern). A pattern must match the WHOLE line (it is anchored with
``fullmatch``, case-insensitive); the line is then removed from the body and kept in
``documents.debris`` as ``"<kind>: <line>"``. Patterns are written to be safe anywhere
in the body: they only match lines that cannot be a sentence of an article.
"""

from __future__ import annotations

DEBRIS: tuple[tuple[str, str], ...] = (
    # captcha and comment-form leftovers
    ("captcha", r"security key:?.{0,40}|captcha(?: refresh| image)?:?|enter (?:the )?(?:code|characters).{0,40}"),
    ("generated", r"page generated in .{0,30}|page (?:load|render)ed in .{0,30}"),
    # read-more and related-story prompts
    ("read_more", r"(?:read more|read also|also read|see also|related|recommended|more from [\w .'-]{1,40}|"
                  r"continue reading(?: the main story)?|advertisement(?: ?-? ?continue reading(?: the main story| below)?)?)"
                  r"\s*[:…!.]*(?:\s*[:|-]\s*.{0,160})?"),
    ("read_more", r".{5,160}\s+(?-i:Read more|READ MORE)"),
    ("read_more", r"(?-i:More|MORE):\s.{5,160}"),  # "More: <related headline>"
    ("share", r"(?:read or )?share (?:this|the) (?:story|article|page|post)\b.{0,120}|share(?: on)? (?:facebook|twitter|whatsapp|linkedin|email)|"
              r"(?:tweet|email|print|share|save|savesave|comments?)(?: this)?|if you like this story, share it.{0,60}|"
              r"(?:like us on facebook|follow us on (?:twitter|facebook|instagram)).{0,80}|"
              r"craving even more\?.{0,120}|chat with us in facebook messenger.{0,120}"),
    ("subscribe", r"(?:sign up\b|subscribe\b|get the [\w .'-]{1,40} newsletter|keep up with this story).{0,100}|"
                  r"sorry, this zipcode .{0,100}|re-enter zip code.{0,100}|get digital access|"
                  r"thanks for subscribing!?"),
    # photo galleries, captions and media placeholders
    ("gallery", r"hide caption \d+ of \d+ photos?:?.*|(?:show|hide) caption|\d+ of \d+ photos?:?.*|photos?|images?|"
                r"photo gallery.{0,80}|enlarge this image.*|enlarge image.{0,80}|image copyright .*|image caption .*|"
                r"toggle caption.*|(?:photo|image|picture)s?: .{0,120}"),
    ("video", r"(?:scroll (?:down |below )?for (?:the )?video|now playing:?|play video|watch video|video:?|"
              r"(?-i:CLOSE) .{0,300}|watch the (?:full )?video.{0,60})"),
    ("copyright", r"(?:copyright|©|\(c\)) .{0,200}(?:all rights reserved|reserved)\.?.{0,200}|"
                  r"this material may not be published, broadcast, rewritten or redistributed\.?"),
    ("contact", r"got a story\?.{0,160}|we pay for videos too.{0,80}|email the author\.?|"
                r"(?:e-?mail|follow) [\w .'-]{2,60} (?:on twitter|at)\b.{0,120}|email: \S+@\S+.{0,120}"),
    ("nav", r"next|prev(?:ious)?|back to top|top stories|trending(?: right now)?:?|top deals:?|bgr top deals:?|"
            r"skip (?:to|advert).{0,40}|loading\.*|click here.{0,80}"),
    ("separator", r"[_*=~#-]{3,}"),
    # site registration and licence numbers printed in page footers (Chinese ICP licences and the like)
    ("notice", r"(?:(?:registration|licen[cs]e|icp) (?:number|no\.?):? ?[\w-]{3,30}\s*){1,3}|licen[cs]e for publishing .{0,60}\d{5,}"),
    # site notices about the page rather than the story
    ("notice", r"(?:\w+ )?transcripts? (?:are|is) (?:created|produced|provided) .{0,400}|external links are provided .{0,200}|"
               r"the (?:opinions|views) expressed (?:in this|here) .{0,200}|this (?:article|story) (?:originally appeared|was originally published) .{0,120}"),
)

# Lines a bio or signature starts with: "<Name> is a contributor to The Irish Times ...".
# The role words make a bio line, the prepositions introduce the outlet.
BIO_ROLES: tuple[str, ...] = (
    "contributor", "correspondent", "reporter", "writer", "editor", "columnist", "journalist",
    "producer", "author", "staff writer", "freelance", "analyst", "commentator", "contributing",
    "professor", "fellow", "blogger", "photographer",
)
BIO_OUTLET_PREPOSITIONS: tuple[str, ...] = ("to", "for", "at", "with", "of")

# Photo agencies and picture desks that close a caption's credit ("Dado Ruvic/Reuters").
PHOTO_CREDITS: tuple[str, ...] = (
    "Reuters", "REUTERS", "AP", "AFP", "Getty Images", "Getty", "EPA", "EPA-EFE", "Shutterstock", "Bloomberg",
    "Xinhua", "TASS", "Sipa", "Rex", "PA", "Invision", "WireImage", "Splash News", "Alamy", "NurPhoto",
    "Anadolu", "dpa", "AP Photo", "SOPA Images", "Pool", "NASA", "Handout",
)
# Prefixes of a scraped line that are page furniture, not text ("Story highlights ...").
LINE_PREFIXES: tuple[tuple[str, str], ...] = (
    ("highlights", r"story highlights\b.*"),
    ("nav", r"about the author|about us|related (?:articles|stories|topics)|most (?:read|popular)|more (?:on this|stories)"),
)
