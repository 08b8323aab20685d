"""The offline site: home page by story, a page per chart, the claims page (see build.py)."""
