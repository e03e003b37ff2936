"""Fixtures for the scan tests, written here: plain-text articles, a folder of them, a WARC file
with pages, an empty page and an image, and a read-only look into a store."""
import io

import duckdb

TOPICS = ["water rates", "school budget", "bridge repairs", "library hours", "bus routes", "park cleanup"]


def article(i: int, outlet_bait: bool = False) -> str:
    topic = TOPICS[i % len(TOPICS)]
    title = f"You Won't Believe the {topic.title()} Plan #{i}!" if outlet_bait else f"Council debates {topic} ({i})"
    return (f"{title}\n\nThe council met on Tuesday to discuss {topic} for district {i}.\n"
            f"According to the city clerk, the vote on item {i} was delayed.\n"
            f"Officials said the cost would be reviewed. Share this with your friends!\n")


def make_corpus(folder, n=40):
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"a{i:03d}.txt").write_text(article(i, outlet_bait=i % 3 == 0))
    return folder


def make_warc(path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        pages = {
            "https://news.example.com/a": "<html><head><title>Mayor opens new bridge</title></head><body><article>"
                                          "<p>The mayor opened the new bridge on Monday, officials said, after two "
                                          "years of construction work on the river crossing.</p></article></body></html>",
            "https://news.example.com/b": "<html><head><title>Storm closes schools</title></head><body><article>"
                                          "<p>Schools across the county closed on Friday as the storm brought heavy "
                                          "snow, according to the education department.</p></article></body></html>",
            "https://news.example.com/empty": "<html><body><nav>Home</nav></body></html>",
        }
        for url, html in pages.items():
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(html.encode()),
                                                          http_headers=headers))
        img = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://news.example.com/x.png", "response",
                                                      payload=io.BytesIO(b"\x89PNG..."), http_headers=img))
    return path


def table(store, sql):
    con = duckdb.connect(str(store), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()
