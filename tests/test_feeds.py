"""RSS and Atom feeds: one article per item, through the real readers and the real CLI."""
import json

from tests.conftest import run_cli
from unspin.errors import InputError
from unspin.ingest import read_inputs

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Example Daily</title>
  <link>https://example.org/</link>
  <item>
    <title>Council approves the bridge budget</title>
    <link>https://example.org/2024/bridge</link>
    <guid>https://example.org/2024/bridge</guid>
    <pubDate>Tue, 02 Apr 2024 09:30:00 +0200</pubDate>
    <dc:creator>Ann Reporter</dc:creator>
    <description>Short teaser.</description>
    <content:encoded><![CDATA[<p>The city council voted 7 to 2 on Monday to approve a budget of
    12 million dollars for the new bridge, the mayor said.</p><p>Construction starts in May.</p>]]></content:encoded>
  </item>
  <item>
    <title>Heatwave expected this weekend</title>
    <description>Forecasters said temperatures would reach 35 degrees on Saturday, and they advised
    people to drink water.</description>
  </item>
  <item>
    <title>An item with a link only</title>
    <link>https://example.org/2024/empty</link>
  </item>
  <item>
    <title>Escaped &lt;b&gt;markup&lt;/b&gt; in a title</title>
    <description>&lt;p&gt;Officials said the &lt;b&gt;report&lt;/b&gt; would be out next week, according
    to the ministry.&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;</description>
  </item>
</channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom Wire</title>
  <entry>
    <title type="html">Senators &lt;em&gt;clash&lt;/em&gt; over the budget</title>
    <link href="https://wire.example/a/1"/>
    <id>tag:wire.example,2024:1</id>
    <updated>2024-04-03T10:00:00Z</updated>
    <author><name>B. Writer</name></author>
    <content type="html">&lt;p&gt;Senators argued for hours on Wednesday about the spending plan,
    which critics called a disaster for taxpayers.&lt;/p&gt;</content>
  </entry>
</feed>
"""


def read_all(*paths):
    return list(read_inputs([str(p) for p in paths]))


def test_rss_items_become_documents_and_an_empty_item_is_reported(tmp_path):
    path = tmp_path / "daily.rss"
    path.write_text(RSS, encoding="utf-8")
    items = read_all(path)
    docs = [i for i in items if not isinstance(i, InputError)]
    errors = [str(i) for i in items if isinstance(i, InputError)]
    first = docs[0]
    # The full content wins over the teaser; the date is converted to UTC.
    assert first.body.startswith("The city council voted 7 to 2") and "Construction starts in May." in first.body
    assert (first.title, first.url, first.outlet, first.author, first.id) == (
        "Council approves the bridge budget", "https://example.org/2024/bridge", "Example Daily", "Ann Reporter",
        "https://example.org/2024/bridge")
    assert first.published == "2024-04-02T07:30:00+00:00"
    assert docs[1].body.startswith("Forecasters said") and docs[1].published is None
    # Escaped HTML in a description is extracted as HTML: markup and scripts are not text.
    assert docs[2].title == "Escaped markup in a title"
    assert docs[2].body.startswith("Officials said the report would be out next week") and "alert" not in docs[2].body
    assert errors == [f"{path}#item3: feed item has no text (neither content nor a description)"]


def test_atom_entries_and_markup_in_titles(tmp_path):
    path = tmp_path / "wire.atom"
    path.write_text(ATOM, encoding="utf-8")
    (doc,) = read_all(path)
    assert (doc.title, doc.outlet, doc.author, doc.published) == (
        "Senators clash over the budget", "Atom Wire", "B. Writer", "2024-04-03T10:00:00+00:00")
    assert doc.body.startswith("Senators argued for hours on Wednesday")


def test_declared_encoding_and_sniffing_without_a_suffix(tmp_path):
    latin = tmp_path / "latin.xml"
    latin.write_bytes('<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel>'
                      "<title>Café News</title><item><title>Naïve plan costs £5m</title><description>The "
                      "minister said the plan would cost five million pounds.</description></item></channel></rss>"
                      .encode("latin-1"))
    bare = tmp_path / "feed"  # no suffix: sniffed as a feed, not as text
    bare.write_text(ATOM, encoding="utf-8")
    docs = read_all(latin, bare)
    assert [(d.title, d.outlet) for d in docs] == [("Naïve plan costs £5m", "Café News"),
                                                   ("Senators clash over the budget", "Atom Wire")]


def test_other_xml_and_external_entities(tmp_path):
    sitemap = tmp_path / "sitemap.xml"
    sitemap.write_text('<?xml version="1.0"?><urlset><url><loc>https://example.org/</loc></url></urlset>')
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    hostile = tmp_path / "hostile.rss"
    hostile.write_text(f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>'
                       '<rss version="2.0"><channel><title>X</title><item><title>Entity</title><description>'
                       "The report said the value was &xxe; according to officials on Monday.</description>"
                       "</item></channel></rss>")
    items = read_all(sitemap, hostile)
    assert str(items[0]) == f"{sitemap}: not an RSS or Atom feed"
    # The file named by the external entity is never read into the article.
    assert "TOP-SECRET" not in items[1].body and items[1].body.startswith("The report said the value was")


def test_analyze_a_feed_from_the_command_line(tmp_path):
    path = tmp_path / "daily.rss"
    path.write_text(RSS, encoding="utf-8")
    result = run_cli("analyze", str(path), "--fast", "-f", "json")
    assert result.returncode == 2  # one item had no text; the three others are analysed
    analyses = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [a["document"]["outlet"] for a in analyses] == ["Example Daily"] * 3
    assert result.stderr.decode().splitlines()[0] == (
        f"unspin: error: {path}#item3: feed item has no text (neither content nor a description)")


def test_json_feed_items_become_documents(tmp_path):
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "JSON Wire", "items": [
        {"id": "1", "url": "https://wire.example/1", "title": "Mayor opens the new library",
         "content_html": "<p>The mayor opened the new library on Friday, the council said in a statement.</p>",
         "date_published": "2024-05-03T09:00:00Z", "authors": [{"name": "C. Writer"}, {"name": "D. Editor"}]},
        {"id": "2", "title": "Plain item", "content_text": "Officials said the road would reopen on Monday."},
        {"id": "3", "title": "No content at all"},
        "not an item"]}
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(feed))
    items = read_all(path)
    docs = [i for i in items if not isinstance(i, InputError)]
    assert [(d.title, d.outlet, d.url, d.published, d.author) for d in docs] == [
        ("Mayor opens the new library", "JSON Wire", "https://wire.example/1", "2024-05-03T09:00:00Z",
         "C. Writer, D. Editor"),
        ("Plain item", "JSON Wire", None, None, None)]
    assert docs[0].body.startswith("The mayor opened the new library on Friday")
    assert [str(i) for i in items if isinstance(i, InputError)] == [
        f"{path}#item3: feed item has no text (neither content nor a summary)",
        f"{path}#item4: expected an object with 'title' and 'text', got str"]
