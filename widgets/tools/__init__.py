"""The computations behind each tool, pure (numpy, pandas, scikit-learn; no widgets): capacity estimates,
metrics, the step-2 to step-4 studies and the architectures. A view in :mod:`widgets.views` shows each one
and has the same name."""
