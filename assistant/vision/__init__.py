"""Vision: the image classifier, OCR and scene measures. Never imports speech."""
