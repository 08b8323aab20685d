"""One module per story: the analysis behind each article or figure set."""
