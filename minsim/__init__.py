"""minsim: public-sentiment monitoring for Korean news and netizen comments."""

__version__ = "0.1.0"
