"""Audio-visual evidence (音像记录): write-once content-addressed storage, probing, derivatives,
body cameras and their docking imports (issue #5)."""
