"""Screens of collections: the Collections tab, its pane, dialogs, stages and printing."""
