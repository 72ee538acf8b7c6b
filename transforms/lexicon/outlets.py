"""Outlets: news-please ``source_domain`` -> readable outlet name, and outlet names that
credit lines and author bios use.

A domain not listed here is reported as the domain without its ``www.``-like prefix.
Sub-domains are looked up from the most specific to the registrable part
(``africa.chinadaily.com.cn`` -> ``chinadaily.com.cn``).
"""

from __future__ import annotations

DOMAINS: dict[str, str] = {
    "abcnews.go.com": "ABC News",
    "bbc.com": "BBC", "bbc.co.uk": "BBC",
    "businessinsider.com": "Business Insider",
    "cbsnews.com": "CBS News",
    "chinadaily.com.cn": "China Daily",
    "cnbc.com": "CNBC",
    "cnet.com": "CNET",
    "cnn.com": "CNN",
    "dailymail.co.uk": "Daily Mail",
    "dailystar.co.uk": "Daily Star",
    "denverpost.com": "The Denver Post",
    "detroitnews.com": "The Detroit News",
    "dw.com": "Deutsche Welle",
    "engadget.com": "Engadget",
    "eonline.com": "E! Online",
    "ew.com": "Entertainment Weekly",
    "express.co.uk": "Daily Express",
    "fool.com": "The Motley Fool",
    "foxnews.com": "Fox News",
    "huffingtonpost.com": "HuffPost",
    "independent.co.uk": "The Independent",
    "indiewire.com": "IndieWire",
    "irishtimes.com": "The Irish Times",
    "latimes.com": "Los Angeles Times",
    "nbcnews.com": "NBC News",
    "newsweek.com": "Newsweek",
    "nfl.com": "NFL.com",
    "npr.org": "NPR",
    "nydailynews.com": "New York Daily News",
    "nytimes.com": "The New York Times",
    "presstv.ir": "Press TV", "presstv.com": "Press TV",
    "reuters.com": "Reuters",
    "rt.com": "RT",
    "sciencealert.com": "ScienceAlert",
    "sfgate.com": "SFGate",
    "standard.co.uk": "Evening Standard",
    "telegraph.co.uk": "The Telegraph",
    "theguardian.com": "The Guardian",
    "thesun.co.uk": "The Sun",
    "thetimes.co.uk": "The Times",
    "theverge.com": "The Verge",
    "trtworld.com": "TRT World",
    "urdupoint.com": "UrduPoint",
    "usatoday.com": "USA Today",
    "washingtonpost.com": "The Washington Post",
    "wired.com": "Wired",
    "aljazeera.com": "Al Jazeera",
    "apnews.com": "AP",
    "ft.com": "Financial Times",
    "wsj.com": "The Wall Street Journal",
    "bloomberg.com": "Bloomberg",
    "time.com": "Time",
}

# Host prefixes that say nothing about the outlet.
HOST_PREFIXES: tuple[str, ...] = ("www.", "www1.", "www2.", "m.", "mobile.", "amp.", "edition.", "en.", "english.")

# Outlet names a credit line or bio may print, mapped to the name used in DOMAINS.
NAMES: dict[str, str] = {
    **{name: name for name in DOMAINS.values()},
    "Irish Times": "The Irish Times",
    "New York Times": "The New York Times", "NYT": "The New York Times",
    "Washington Post": "The Washington Post",
    "Guardian": "The Guardian",
    "USA TODAY": "USA Today",
    "Press TV": "Press TV",
    "HuffPost": "HuffPost", "Huffington Post": "HuffPost",
}
