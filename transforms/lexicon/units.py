"""Units: what a number counts or measures, and the normalised group of each head word.

Used by transforms/numbers.py; documented in docs/numbers.md ("Unit groups"). The groups
grow with the corpus: add a word to the right row, never special-case a text.
"""

from __future__ import annotations

# Count nouns: group -> head words (plural and singular as written, lower case).
# The facts stage compares mentions only within one group.
_COUNT_GROUPS: dict[str, tuple[str, ...]] = {
    "troops": (
        "troops", "troop", "soldiers", "soldier", "servicemen", "serviceman", "servicemembers",
        "service members", "servicewomen", "personnel", "forces", "force", "commandos",
        "commando", "marines", "marine", "paratroopers", "sailors", "airmen", "reservists",
        "recruits", "conscripts", "guards", "guardsmen", "militiamen", "army", "armies",
        "battalions", "battalion", "brigades", "units", "contingent", "peacekeepers",
        "military", "officers", "officer", "generals",
    ),
    "police": ("police", "policemen", "policeman", "policewomen", "cops", "gendarmes"),
    "militants": (
        "militants", "militant", "fighters", "fighter", "insurgents", "insurgent", "rebels",
        "rebel", "jihadists", "jihadist", "gunmen", "gunman", "terrorists", "terrorist",
        "extremists", "taliban", "guerrillas", "attackers", "assailants", "combatants",
    ),
    "people": (
        "people", "persons", "person", "civilians", "civilian", "individuals", "individual",
        "residents", "resident", "inhabitants", "citizens", "citizen", "men", "man", "women",
        "woman", "children", "child", "kids", "adults", "adult", "villagers", "nationals",
        "passengers", "victims", "victim", "bodies", "lives", "casualties", "fatalities",
        "deaths", "survivors", "migrants",
        "refugees", "refugee", "asylum seekers", "evacuees", "families", "family", "members",
        "member", "staff", "workers", "worker", "employees", "employee", "students", "pupils",
        "teachers", "doctors", "nurses", "journalists", "reporters", "diplomats", "officials",
        "official", "prisoners", "prisoner", "detainees", "inmates", "hostages", "captives",
        "protesters", "protestors", "demonstrators", "voters", "pilgrims", "tourists",
        "visitors", "patients", "babies", "infants", "girls", "boys", "elderly", "afghans",
        "americans", "nationals", "interpreters", "translators", "contractors", "volunteers",
        "delegates", "lawmakers", "senators", "ministers", "leaders", "candidates",
    ),
    "districts": ("districts", "district"),
    "provinces": ("provinces", "province", "regions", "region", "states", "counties"),
    "places": (
        "villages", "village", "towns", "town", "cities", "city", "settlements", "areas",
        "countries", "country", "nations", "border crossings", "crossings", "checkpoints",
        "posts", "outposts", "bases", "base", "sites", "locations", "camps", "neighbourhoods",
        "neighborhoods",
    ),
    "vehicles": (
        "vehicles", "vehicle", "trucks", "truck", "cars", "car", "tanks", "tank", "humvees",
        "buses", "armoured vehicles", "armored vehicles",
    ),
    "aircraft": (
        "aircraft", "planes", "plane", "jets", "jet", "helicopters", "helicopter", "drones",
        "drone", "flights", "flight", "airstrikes", "air strikes", "sorties",
    ),
    "weapons": (
        "weapons", "weapon", "guns", "rifles", "missiles", "missile", "rockets", "rocket",
        "rounds", "bombs", "bomb", "shells", "mines", "arms", "ammunition", "warheads",
    ),
    "attacks": (
        "attacks", "attack", "offensives", "clashes", "battles", "raids", "strikes",
        "explosions", "blasts", "incidents", "operations",
    ),
    "cases": ("cases", "case", "infections", "infected", "tests", "vaccinations", "doses"),
    "buildings": ("houses", "homes", "buildings", "schools", "hospitals", "shops", "mosques"),
    "documents": ("articles", "reports", "documents", "pages", "letters", "votes", "seats"),
}
COUNT_GROUPS: dict[str, str] = {w: g for g, words in _COUNT_GROUPS.items() for w in words}
# Multi-word heads, longest first, matched before single words.
COUNT_MULTIWORD: tuple[str, ...] = tuple(
    sorted((w for w in COUNT_GROUPS if " " in w), key=len, reverse=True)
)

# Words right after a number that stand for people by themselves ("22 killed").
PEOPLE_PARTICIPLES = frozenset(
    ("killed", "dead", "died", "wounded", "injured", "hurt", "missing", "arrested",
     "detained", "displaced", "evacuated", "rescued", "drowned", "executed", "abducted",
     "kidnapped", "released")
)

# Nouns whose "X of Y" form names what is counted by Y ("1,037 servicemen of the Afghan
# government forces", "members of the security forces").
MEMBER_NOUNS = frozenset((
    "servicemen", "members", "personnel", "soldiers", "troops", "officers", "units",
    "fighters", "staff", "employees", "residents", "citizens", "nationals", "elements",
))

# Durations: written unit -> canonical unit (the unit_group), and a factor into it.
DURATION_UNITS: dict[str, tuple[str, float]] = {
    **dict.fromkeys(("second", "seconds", "sec", "secs"), ("second", 1.0)),
    **dict.fromkeys(("minute", "minutes", "min", "mins"), ("minute", 1.0)),
    **dict.fromkeys(("hour", "hours", "hrs", "hr"), ("hour", 1.0)),
    **dict.fromkeys(("day", "days"), ("day", 1.0)),
    **dict.fromkeys(("night", "nights"), ("day", 1.0)),
    **dict.fromkeys(("week", "weeks", "fortnight"), ("week", 1.0)),
    **dict.fromkeys(("month", "months"), ("month", 1.0)),
    **dict.fromkeys(("year", "years", "yrs"), ("year", 1.0)),
    # decades and centuries are counts of years: "two decades" = 20 years
    **dict.fromkeys(("decade", "decades"), ("year", 10.0)),
    **dict.fromkeys(("century", "centuries"), ("year", 100.0)),
}
# Measures: written unit -> canonical symbol (the unit_group). No conversion between units.
MEASURE_UNITS: dict[str, str] = {
    **dict.fromkeys(("km", "kms", "kilometres", "kilometers", "kilometre", "kilometer"), "km"),
    **dict.fromkeys(("miles", "mile", "mi"), "mile"),
    **dict.fromkeys(("m", "metres", "meters", "metre", "meter"), "m"),
    **dict.fromkeys(("cm", "centimetres", "centimeters"), "cm"),
    **dict.fromkeys(("mm", "millimetres", "millimeters"), "mm"),
    **dict.fromkeys(("ft", "feet", "foot"), "ft"),
    **dict.fromkeys(("inches", "inch", "in."), "inch"),
    **dict.fromkeys(("yards", "yard"), "yard"),
    **dict.fromkeys(("kg", "kgs", "kilograms", "kilogrammes", "kilogram", "kilos"), "kg"),
    **dict.fromkeys(("g", "grams", "gram", "grammes"), "g"),
    **dict.fromkeys(("tonnes", "tonne", "tons", "ton", "t", "metric tons"), "tonne"),
    **dict.fromkeys(("lb", "lbs", "pounds", "pound"), "lb"),
    **dict.fromkeys(("ounces", "oz"), "oz"),
    **dict.fromkeys(("mph", "miles per hour"), "mph"),
    **dict.fromkeys(("km/h", "kph", "kmh", "kilometres per hour", "kilometers per hour"), "km/h"),
    **dict.fromkeys(("knots",), "knot"),
    **dict.fromkeys(("km/s", "kilometres per second", "kilometers per second"), "km/s"),
    **dict.fromkeys(("m/s", "metres per second", "meters per second"), "m/s"),
    **dict.fromkeys(("fps", "FPS", "frames per second"), "fps"),
    **dict.fromkeys(("acres", "acre"), "acre"),
    **dict.fromkeys(("hectares", "hectare", "ha"), "ha"),
    **dict.fromkeys(("square kilometres", "square kilometers", "sq km", "km2", "km²"), "km2"),
    **dict.fromkeys(("square miles", "sq miles", "sq mi"), "sq mile"),
    **dict.fromkeys(("square metres", "square meters", "sq m", "m2", "m²"), "m2"),
    **dict.fromkeys(("litres", "liters", "litre", "liter", "l"), "l"),
    **dict.fromkeys(("gallons", "gallon"), "gallon"),
    **dict.fromkeys(("barrels", "barrel", "bpd", "barrels per day"), "barrel"),
    **dict.fromkeys(("cubic metres", "cubic meters", "bcm"), "m3"),
    **dict.fromkeys(("degrees", "degree", "°", "°c", "°f", "degrees celsius",
                     "degrees fahrenheit"), "degree"),
    **dict.fromkeys(("mw", "megawatts"), "MW"),
    **dict.fromkeys(("gw", "gigawatts"), "GW"),
    **dict.fromkeys(("kw", "kilowatts"), "kW"),
    **dict.fromkeys(("kwh",), "kWh"),
    **dict.fromkeys(("gb", "gigabytes"), "GB"),
    **dict.fromkeys(("tb", "terabytes"), "TB"),
    **dict.fromkeys(("mb", "megabytes"), "MB"),
    **dict.fromkeys(("calories", "kcal"), "kcal"),
    **dict.fromkeys(("magnitude",), "magnitude"),
}
# Units that are only read as units when glued to the digits or written in full after a
# space (a lone "m" or "t" after a space is too often something else).
MEASURE_GLUED_ONLY = frozenset(("m", "t", "g", "l", "in.", "ha", "mi", "°"))
