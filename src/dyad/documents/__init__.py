"""Text side of dyad: shared text primitives, and reports as structured, searchable documents.

* :mod:`dyad.documents.text`: tokens, stop words, TF-IDF, the directions lexicon (also used for speeches);
* :mod:`dyad.documents.reader` -> :mod:`~dyad.documents.clean` -> :mod:`~dyad.documents.segment` ->
  :mod:`~dyad.documents.extract`, tied together by :func:`dyad.documents.pipeline.process`;
* :mod:`dyad.documents.search`: list, show and BM25 full-text search over the stored segments.
"""
