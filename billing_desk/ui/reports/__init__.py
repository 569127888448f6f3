"""The reports window, its table model, print preview and page setup."""
