"""The numbers behind the corpus report, as SQL over the store (plus MinHash LSH for clusters)."""
from __future__ import annotations

from collections import Counter, defaultdict

from ..analysis import QUOTED
from .db import CorpusStore

MIN_ARTICLES = 10  # outlets with fewer analysed articles are listed but not compared


def overview(store: CorpusStore) -> dict:
    con = store.con
    docs, outlets, words = con.execute(
        "SELECT count(*), count(DISTINCT outlet), coalesce(sum(words), 0) FROM documents").fetchone()
    first, last = con.execute("SELECT min(published), max(published) FROM documents "
                              "WHERE regexp_matches(published, '^\\d{4}-\\d{2}')").fetchone()
    runs = con.execute("SELECT run_id, started, finished, engine, analyzers, analyzed, skipped, failed "
                       "FROM runs ORDER BY started").fetchall()
    failures = con.execute("SELECT count(*) FROM failures").fetchone()[0]
    return {"documents": docs, "outlets": outlets, "words": int(words), "first": first, "last": last,
            "runs": [dict(zip(("run_id", "started", "finished", "engine", "analyzers", "analyzed",
                               "skipped", "failed"), r)) for r in runs], "failures": failures,
            "configurations": configurations(store)}


def configurations(store: CorpusStore) -> list[dict]:
    """The analyzer configurations the store's documents were analysed with, most documents first:
    {"documents", "analyzers", "models"}. More than one means the rates mix them."""
    runs = store.run_configurations()
    groups: dict[tuple, int] = {}
    for run_id, n in store.con.execute("SELECT run_id, count(*) FROM documents GROUP BY 1").fetchall():
        names, models = runs.get(run_id, (frozenset(), {}))
        key = (tuple(sorted(names)), tuple(sorted(models.items())))
        groups[key] = groups.get(key, 0) + n
    return [{"documents": n, "analyzers": list(names), "models": dict(models)}
            for (names, models), n in sorted(groups.items(), key=lambda kv: -kv[1])]


def technique_rates_by_outlet(store: CorpusStore) -> dict:
    """Share of each outlet's articles with at least one span of each propaganda technique."""
    rows = store.con.execute("""
        WITH per_outlet AS (SELECT coalesce(outlet, '(unknown)') AS outlet, count(*) AS n
                            FROM documents GROUP BY 1),
             hits AS (SELECT coalesce(d.outlet, '(unknown)') AS outlet, s.label, count(DISTINCT s.doc_id) AS k
                      FROM spans s JOIN documents d USING (doc_id) WHERE s.layer = 'propaganda' GROUP BY 1, 2)
        SELECT p.outlet, p.n, h.label, coalesce(h.k, 0)
        FROM per_outlet p LEFT JOIN hits h USING (outlet) ORDER BY p.n DESC, p.outlet""").fetchall()
    voice = {o: (n, q) for o, n, q in store.con.execute("""
        SELECT coalesce(d.outlet, '(unknown)'), count(*), count(*) FILTER (WHERE contains(s.explanation, ?))
        FROM spans s JOIN documents d USING (doc_id) WHERE s.layer = 'propaganda' GROUP BY 1""", [QUOTED]).fetchall()}
    outlets: dict[str, dict] = {}
    labels: set[str] = set()
    for outlet, n, label, k in rows:
        spans, quoted = voice.get(outlet, (0, 0))
        # How many of the outlet's spans are words it quotes rather than writes.
        entry = outlets.setdefault(outlet, {"articles": n, "rates": {}, "counts": {}, "intervals": {},
                                            "spans": spans, "quoted": quoted})
        if label:
            entry["rates"][label] = k / n
            entry["counts"][label] = k
            entry["intervals"][label] = wilson(k, n)
            labels.add(label)
    for entry in outlets.values():  # a technique an outlet never used: 0 of n, and its interval
        for label in labels - entry["counts"].keys():
            entry["counts"][label], entry["intervals"][label] = 0, wilson(0, entry["articles"])
    return {"outlets": outlets, "labels": sorted(labels)}


def clickbait_by_outlet(store: CorpusStore) -> list[dict]:
    rows = store.con.execute("""
        SELECT coalesce(d.outlet, '(unknown)'), count(*), count(*) FILTER (WHERE s.value >= 0.5), avg(s.value)
        FROM documents d JOIN scores s USING (doc_id) WHERE s.name = 'clickbait'
        GROUP BY 1 ORDER BY 2 DESC, 1""").fetchall()
    return [{"outlet": o, "articles": n, "flagged": k, "rate": k / n, "interval": wilson(k, n), "mean": m}
            for o, n, k, m in rows]


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95 % Wilson interval of a share k/n: how far an outlet's rate could move with another draw of
    as many of its articles. It says nothing of the models' own errors."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def over_time(store: CorpusStore) -> dict:
    """Per outlet and month of publication, and per month for all outlets together: articles,
    propaganda spans per 1,000 words, clickbait rate. {"outlets": {outlet: [rows]}, "all": [rows]}."""
    rows = store.con.execute("""
        WITH docs AS (SELECT doc_id, coalesce(outlet, '(unknown)') AS outlet, words,
                             substr(published, 1, 7) AS month FROM documents
                      WHERE regexp_matches(published, '^\\d{4}-\\d{2}')),
             spans_per AS (SELECT doc_id, count(*) AS k FROM spans WHERE layer = 'propaganda' GROUP BY 1),
             cb AS (SELECT doc_id, value FROM scores WHERE name = 'clickbait')
        SELECT outlet, month, count(*), 1000.0 * sum(coalesce(k, 0)) / greatest(sum(words), 1),
               avg(CASE WHEN cb.value IS NULL THEN NULL WHEN cb.value >= 0.5 THEN 1 ELSE 0 END)
        FROM docs LEFT JOIN spans_per USING (doc_id) LEFT JOIN cb USING (doc_id)
        GROUP BY GROUPING SETS ((outlet, month), (month)) ORDER BY outlet NULLS FIRST, month""").fetchall()
    out: dict = {"outlets": {}, "all": []}
    for outlet, month, n, p, c in rows:
        row = {"month": month, "articles": n, "propaganda_per_1k_words": p, "clickbait_rate": c}
        (out["all"] if outlet is None else out["outlets"].setdefault(outlet, [])).append(row)
    return out


def loaded_terms_by_outlet(store: CorpusStore, top: int = 10) -> dict[str, list[tuple[str, int, int]]]:
    """(term, spans, spans of it inside quotation marks) per outlet: a quoted term is someone the
    outlet quotes speaking, not the outlet's own wording, and the report says how many are."""
    rows = store.con.execute("""
        SELECT coalesce(d.outlet, '(unknown)'), lower(trim(s.text)), count(*),
               count(*) FILTER (WHERE contains(s.explanation, ?))
        FROM spans s JOIN documents d USING (doc_id)
        WHERE s.layer = 'propaganda' AND s.label = 'Loaded_Language' AND length(s.text) <= 60
        GROUP BY 1, 2""", [QUOTED]).fetchall()
    by_outlet: dict[str, Counter] = defaultdict(Counter)
    quoted: dict[str, Counter] = defaultdict(Counter)
    for outlet, term, n, q in rows:
        term = " ".join(term.split())
        by_outlet[outlet][term] += n
        quoted[outlet][term] += q
    return {o: [(t, n, quoted[o][t]) for t, n in c.most_common(top)] for o, c in sorted(by_outlet.items())}


def repeated_claims(store: CorpusStore, top: int = 20) -> dict[str, list[dict]]:
    """Check-worthy claims that appear (after normalisation) in several articles, most outlets first:
    ``across`` outlets, and ``within`` one outlet, which is mostly the outlet's own furniture (a
    donation appeal, a licence line under every article).

    A syndicated story brings all its sentences into several articles at once, and would fill the
    list with one story (20 of the first 25 rows on the hyperpartisan articles were one wire story
    run by two sister papers). Claims found in exactly the same articles are therefore one row: the
    most check-worthy of them, with the number of others (``also``)."""
    # Grouped in DuckDB: only the repeated claims, a small share, come back to Python.
    rows = store.con.execute("""
        WITH keyed AS (
            SELECT trim(regexp_replace(regexp_replace(lower(c.text), '[^a-z0-9 ]+', ' ', 'g'), ' +', ' ', 'g')) AS key,
                   c.text, c.checkworthiness, coalesce(d.outlet, '(unknown)') AS outlet, c.doc_id
            FROM claims c JOIN documents d USING (doc_id))
        SELECT (list(text ORDER BY checkworthiness DESC, text))[1], max(checkworthiness), list(DISTINCT outlet), list(DISTINCT doc_id)
        FROM keyed
        WHERE length(key) - length(replace(key, ' ', '')) >= 4   -- five words or more
        GROUP BY key HAVING count(DISTINCT doc_id) > 1""").fetchall()
    by_articles: dict[frozenset, list[tuple]] = defaultdict(list)
    for text, score, outlets, documents in rows:
        by_articles[frozenset(documents)].append((score or 0.0, text, sorted(outlets)))
    found: dict[str, list[dict]] = {"across": [], "within": []}
    for documents, same in by_articles.items():
        score, text, outlets = max(same)
        found["across" if len(outlets) > 1 else "within"].append(
            {"claim": text, "outlets": outlets, "documents": len(documents), "also": len(same) - 1})
    for kind, claims in found.items():
        claims.sort(key=lambda g: (-len(g["outlets"]), -g["documents"], g["also"], g["claim"]))
        found[kind] = claims[:top]
    return found


def fact_checked_claims(store: CorpusStore, top: int = 30) -> dict:
    """The fact-checks that the corpus' claims were matched to at scan time, most articles first:
    which claims a fact-checker has already ruled on are going round in these articles. Each claim
    counts for its best match only (the one `analyze` lists first), and a row holds the corpus
    sentence that matched it best.

    The matches are the matcher's estimates (a similarity the claims analyzer showed, ≥ its
    ``min_similarity``), read from the store as the scan wrote them: a store scanned before the
    fact-checks were imported has none."""
    import json

    rows = store.con.execute("""
        SELECT c.doc_id, c.text, coalesce(d.outlet, '(unknown)'), c.matches
        FROM claims c JOIN documents d USING (doc_id)
        WHERE c.matches IS NOT NULL AND c.matches NOT IN ('', '[]')""").fetchall()
    groups: dict[tuple, dict] = {}
    for doc_id, text, outlet, matches in rows:
        try:
            best = json.loads(matches)[0]
        except (ValueError, IndexError, KeyError, TypeError):  # a store written by hand, not by a scan
            continue
        key = tuple(best.get(f) for f in ("claim", "verdict", "publisher", "url", "date"))
        group = groups.setdefault(key, {"fact_check": dict(zip(("claim", "verdict", "publisher", "url", "date"), key)),
                                        "documents": set(), "outlets": set(), "similarity": -1.0, "example": ""})
        group["documents"].add(doc_id)
        group["outlets"].add(outlet)
        similarity = float(best.get("similarity") or 0.0)
        if (similarity, text) > (group["similarity"], group["example"]):
            group["similarity"], group["example"] = similarity, text
    found = sorted(groups.values(), key=lambda g: (-len(g["documents"]), -len(g["outlets"]), -g["similarity"],
                                                   g["fact_check"]["claim"] or ""))
    for g in found:
        g["documents"], g["outlets"] = len(g["documents"]), sorted(g["outlets"])
    return {"claims": len(rows), "documents": len({r[0] for r in rows}), "fact_checks": found[:top],
            "more": max(0, len(found) - top)}


def near_duplicate_clusters(store: CorpusStore, threshold: float = 0.5, top: int = 20) -> list[dict]:
    """Stories published by several outlets: MinHash LSH over word 5-shingles, then connected groups."""
    from datasketch import LeanMinHash, MinHashLSH

    from ..scan.worker import MINHASH_SCHEME, NUM_PERM

    rows = store.con.execute("SELECT doc_id, title, coalesce(outlet, '(unknown)'), published, minhash "
                             "FROM documents WHERE minhash IS NOT NULL").fetchall()
    if not rows:
        return []
    import numpy as np

    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    hashes = {}
    for doc_id, _, _, _, values in rows:
        m = LeanMinHash(seed=1, hashvalues=np.array(values, dtype=np.uint64), scheme=MINHASH_SCHEME)
        hashes[doc_id] = m
        lsh.insert(doc_id, m)
    parent = {d: d for d in hashes}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for doc_id, m in hashes.items():
        for other in lsh.query(m):
            if other != doc_id:
                parent[find(other)] = find(doc_id)
    meta = {r[0]: r for r in rows}
    clusters: dict[str, list] = defaultdict(list)
    for doc_id in hashes:
        clusters[find(doc_id)].append(meta[doc_id])
    out = []
    for members in clusters.values():
        outlets = sorted({m[2] for m in members})
        if len(members) > 1 and len(outlets) > 1:
            members.sort(key=lambda m: (m[3] or "", m[2]))
            out.append({"size": len(members), "outlets": outlets,
                        "stories": [{"title": m[1], "outlet": m[2], "published": m[3]} for m in members]})
    out.sort(key=lambda c: (-len(c["outlets"]), -c["size"], c["stories"][0]["title"] or ""))
    return out[:top]
