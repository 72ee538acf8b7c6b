"""English stopwords: function words and news filler that say nothing about an event.

Used by ``transforms.stories`` to keep story vectors to the words that identify an event.
Lower case; apostrophes removed (``dont``) because tokens are matched after normalisation.
"""

from __future__ import annotations

# Function words (articles, pronouns, auxiliaries, prepositions, conjunctions).
FUNCTION_WORDS: frozenset[str] = frozenset("""
a about above across after afterwards again against all almost alone along already also
although always am among amongst an and another any anyhow anyone anything anyway anywhere
are around as at be became because become becomes becoming been before beforehand behind
being below beside besides between beyond both but by can cannot could did do does doing
done down during each either else elsewhere enough etc even ever every everyone everything
everywhere except few for former formerly from further had has have having he hence her here
hereafter hereby herein hers herself him himself his how however i if in indeed into is it
its itself just last latter least less ll may me meanwhile might mine more moreover most
mostly much must my myself neither never nevertheless next no nobody none nor not nothing
now nowhere of off often on once one only onto or other others otherwise our ours ourselves
out over own per perhaps please rather re same several she should since so some somehow
someone something sometime sometimes somewhere still such than that the their theirs them
themselves then thence there thereafter thereby therefore therein these they this those
though through throughout thus to together too toward towards under until up upon us very
via was we well were what whatever when whence whenever where whereas whereby wherever
whether which while whither who whoever whole whom whose why will with within without would
yet you your yours yourself yourselves s t d m ve don dont didnt doesnt isnt wasnt werent
cant couldnt wouldnt shouldnt wont hasnt havent hadnt aint im ive youre theyre thats whats
lets
""".split())

# Reporting and news-page filler: common in every article whatever the event.
NEWS_FILLER: frozenset[str] = frozenset("""
said says say saying told tells according reported reports report added adds stated
statement news new latest update updated updates breaking read more story stories article
photo photos image images video videos getty afp reuters ap associated press file
mr mrs ms dr copyright rights reserved share comments comment click subscribe newsletter
like also just get got make made year years day days week weeks month months time times
today yesterday tomorrow monday tuesday wednesday thursday friday saturday sunday
january february march april june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
first second third two three four five six seven eight nine ten people many
""".split())

STOPWORDS: frozenset[str] = FUNCTION_WORDS | NEWS_FILLER
