"""The pages a notebook shows: the start page and a step's page, laid out from the views."""
