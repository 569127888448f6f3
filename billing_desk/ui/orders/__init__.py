"""Screens of order forms: the Order Forms tab, the order editor and its dialogs."""
