"""Helpers for the course "Embeddings, from one-hot to BERT".

Each module holds code that a notebook teaches first; later notebooks import it from here.
Importing this package does nothing but define names: no model or data is loaded on import.
"""

__version__ = "0.1.0"
