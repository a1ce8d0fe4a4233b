#!/usr/bin/env python3
"""Generate crates/sg-web/locales/countries/{lang}.toml from CLDR's territory names.

Reads the codes of sg_domain's country table (crates/sg-domain/src/countries.rs) and, for each
page language, the names in CLDR (Debian's unicode-cldr-core, CLDR 41:
/usr/share/unicode/cldr/common/main/{lang}.xml). A code CLDR has no name for in a language is left
out, so the page falls back to English. Run from the repository root:

    python3 scripts/cldr-countries.py

CLDR is (c) Unicode, Inc., under the Unicode License (LICENSES/Unicode-DFS-2016.txt).
"""

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

CLDR = Path("/usr/share/unicode/cldr/common/main")
LANGS = ["en", "cy", "sq", "vi", "ar", "ti"]
ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "crates/sg-domain/src/countries.rs"
OUT = ROOT / "crates/sg-web/locales/countries"


def codes():
    text = TABLE.read_text(encoding="utf-8")
    found = re.findall(r'Country \{ code: "([A-Z]{2})"', text)
    if len(found) < 200:
        sys.exit(f"{TABLE}: found only {len(found)} country codes")
    return found


def names(lang):
    tree = ET.parse(CLDR / f"{lang}.xml")
    out = {}
    for t in tree.getroot().iter("territory"):
        # The plain form only: "short" and "variant" alternatives are not the official name.
        if t.get("alt") is None and t.text:
            out[t.get("type")] = t.text.strip()
    return out


def quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    wanted = codes()
    OUT.mkdir(parents=True, exist_ok=True)
    for lang in LANGS:
        found = names(lang)
        lines = [
            f"# Country names in '{lang}', generated from CLDR 41 (Unicode, Inc., Unicode License,",
            "# see LICENSES/Unicode-DFS-2016.txt) by `python3 scripts/cldr-countries.py`.",
            "# Do not edit by hand: run the script again.",
            "",
            "[country]",
        ]
        missing = []
        for code in wanted:
            if code in found:
                lines.append(f"{code} = {quote(found[code])}")
            else:
                missing.append(code)
        (OUT / f"{lang}.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        note = f", no name for {' '.join(missing)}" if missing else ""
        print(f"{lang}: {len(wanted) - len(missing)} names{note}")


if __name__ == "__main__":
    main()
