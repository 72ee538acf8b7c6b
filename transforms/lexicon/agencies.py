"""Wire agencies: canonical short name -> the ways a credit line writes it.

Used by ``transforms.documents`` on header, dateline and footer lines only (a body sentence
that says "told AFP" is not a credit). Matching is case-sensitive for the short
all-capital forms (AP, PA) so that ordinary words never match.
"""

from __future__ import annotations

AGENCIES: dict[str, tuple[str, ...]] = {
    "AFP": ("AFP", "Agence France-Presse", "Agence France Presse"),
    "AP": ("AP", "Associated Press", "The Associated Press"),
    "Reuters": ("Reuters", "REUTERS", "Thomson Reuters"),
    "Xinhua": ("Xinhua", "XINHUA", "Xinhua News Agency"),
    "dpa": ("dpa", "DPA", "Deutsche Presse-Agentur"),
    "ANI": ("ANI", "Asian News International"),
    "PTI": ("PTI", "Press Trust of India"),
    "IANS": ("IANS",),
    "UNI": ("UNI", "United News of India"),
    "EFE": ("EFE",),
    "ANSA": ("ANSA",),
    "Kyodo": ("Kyodo", "Kyodo News"),
    "Yonhap": ("Yonhap", "Yonhap News Agency"),
    "TASS": ("TASS", "ITAR-TASS"),
    "RIA Novosti": ("RIA Novosti", "RIA"),
    "Interfax": ("Interfax",),
    "Sputnik": ("Sputnik",),
    "Anadolu": ("Anadolu", "Anadolu Agency", "AA"),
    "UPI": ("UPI", "United Press International"),
    "PA": ("PA", "Press Association", "PA Media"),
    "AAP": ("AAP", "Australian Associated Press"),
    "Bernama": ("Bernama",),
    "IRNA": ("IRNA",),
    "KCNA": ("KCNA", "Korean Central News Agency"),
    "WAM": ("WAM",),
    "APP": ("APP", "Associated Press of Pakistan"),
    "UNB": ("UNB",),
    "CNA": ("CNA",),
    "Bloomberg": ("Bloomberg",),
    "Agencies": ("Agencies", "agencies", "News Agencies", "Wire services", "wire services"),
}

# alias -> canonical name
ALIASES: dict[str, str] = {alias: name for name, aliases in AGENCIES.items() for alias in aliases}
