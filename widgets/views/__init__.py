"""The tools as widgets (ipywidgets and matplotlib): one module per tool, named like the computation it shows
(``views/capacity.py`` shows ``tools/capacity.py``), and the timed answer (``views/answer.py``). Private
helpers start with ``_``: HTML and the palette, figures, events."""
