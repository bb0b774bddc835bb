"""MLSD Workbook: practise machine-learning system design interviews on a real clock.

The package has two layers. The pure layer (``data``, ``framework``, ``questions``, ``clock``,
``store``, ``context``, ``export``) needs only the standard library, numpy and pandas and is what
tests and scripts call. The UI layer (``answer``, ``start_page``, ``step_page``) wraps it in
ipywidgets for the notebooks. Importing this package imports neither pandas nor ipywidgets; each
module imports what it needs.
"""

__version__ = "0.1.0"
