"""Insurance claims: the office's billing identity and providers, claims made from posted
invoices, their statuses and events, the scrubber, and the ClaimForm the writers print or send."""
