"""MLSD Workbook: practise machine-learning system design interviews on a real clock.

One folder per layer (see ``docs/architecture.md``)::

    widgets/practice/   pure: data files, question bank, framework, clock, answer store (attempts),
                        page context, the answer session's policies, export
    widgets/tools/      pure: the computation behind each tool, and the metrics and data sets they share
    widgets/views/      ipywidgets + matplotlib: one module per tool, named like its computation, and
                        the timed answer; private helpers start with "_"
    widgets/pages/      the start page and a step's page, laid out from the views
    widgets/app/        the mlsd-workbook command and the Voila template (nothing imports it)

Importing this package imports none of them; each module imports what it needs.
"""

__version__ = "0.1.0"
