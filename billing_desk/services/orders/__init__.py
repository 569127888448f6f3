"""Order forms: their lines, deliveries, and filled lines turned into invoices."""
