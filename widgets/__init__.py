"""MLSD Workbook: practise machine-learning system design interviews on a real clock.

The package has two layers. The pure layer needs only the standard library, numpy, pandas and (for
models) scikit-learn: ``data`` (finding the data files), ``framework``, ``questions``, ``clock``,
``store``, ``context``, ``export``, ``metrics``, ``evaluation``, ``datasets``, ``capacity``, and
for steps 2 and 3 ``splits`` (contamination), ``privacy`` (k-anonymity), ``features``,
``model_choice`` and ``architectures``. The UI layer wraps it thinly in ipywidgets and matplotlib:
``answer``, ``start_page``, ``step_page``, ``pages``, ``problem_types``, the step-2 tools
(``contamination_explorer``, ``privacy_explorer``, ``feature_explorer``), the step-3 tools
(``model_choice_explorer``, ``architecture_diagram``), the step-4 explorers (``ranking_explorer``,
``threshold_explorer``, ``calibration_explorer``, ``fairness_explorer``), ``capacity_estimators``,
with ``controls`` and ``plotting`` as shared pieces. ``cli`` is the ``mlsd-workbook`` command.
Importing this package imports none of them; each module imports what it needs.
"""

__version__ = "0.1.0"
