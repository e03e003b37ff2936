"""``unspin eval``: public benchmarks read in their own formats, scored with their official metrics."""
