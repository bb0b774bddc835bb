"""The application around the package: the ``mlsd-workbook`` command and the Voila template. Nothing in
the package imports it."""
