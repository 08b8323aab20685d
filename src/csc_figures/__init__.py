"""csc-figures: the data desk's figures on English councils' children's services."""

__version__ = "0.1.0"
