"""Screens of the books: the Invoice Entry tab, the invoice form, payments, catalogue and plans."""
