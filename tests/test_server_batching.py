"""The server's batcher: concurrent requests share pipeline calls, each gets its own analyses."""
import asyncio

from unspin import Pipeline
from unspin.document import Document
from unspin.server.batching import Batcher


def _docs(tag: str, n: int) -> list[Document]:
    return [Document(title=f"{tag} headline {i}", body=f"Share this {tag} story {i} with your friends!")
            for i in range(n)]


def test_concurrent_requests_share_batches_and_get_their_own_results():
    pipeline = Pipeline(["engagement"], fast=True)
    calls = []

    def run(docs):
        calls.append(len(docs))
        return list(pipeline.analyze(docs))

    async def main():
        batcher = Batcher(run, max_docs=8)
        requests = {tag: _docs(tag, n) for tag, n in (("alpha", 1), ("beta", 3), ("gamma", 2), ("delta", 1))}
        results = await asyncio.gather(*[batcher.submit(docs) for docs in requests.values()])
        return requests, results

    requests, results = asyncio.run(main())
    assert sum(calls) == 7 and len(calls) < 4  # fewer pipeline calls than requests
    for (tag, docs), analyses in zip(requests.items(), results):
        assert [a.document.title for a in analyses] == [d.title for d in docs]
        assert all(tag in a.text for a in analyses)
        assert all(a.spans_in("engagement") for a in analyses)


def test_a_request_that_breaks_the_batch_fails_alone():
    pipeline = Pipeline(["engagement"], fast=True)

    def run(docs):
        if any("poison" in d.title for d in docs):
            raise ValueError("cannot analyse poison")
        return list(pipeline.analyze(docs))

    async def main():
        batcher = Batcher(run, max_docs=8)
        return await asyncio.gather(batcher.submit(_docs("good", 2)), batcher.submit(_docs("poison", 1)),
                                    batcher.submit(_docs("fine", 1)), return_exceptions=True)

    good, poison, fine = asyncio.run(main())
    assert isinstance(poison, ValueError)
    assert len(good) == 2 and len(fine) == 1 and "fine" in fine[0].text
