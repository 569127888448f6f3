"""The books: the ledger, invoices, payments, adjustments, aging, the catalogue, plans and
estimates, statements and the day's close."""
