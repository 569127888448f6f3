"""Files exchanged with other programs, read and written in one place: spreadsheet and CSV
imports and exports. Knows nothing of the rules; the services check what it reads."""
