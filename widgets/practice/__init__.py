"""The practice itself, pure (no widgets): finding the data files, the question bank, the six-step
framework, the clock, the answer store, which question and participant a page opens on, and the export."""
