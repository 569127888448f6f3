"""Files exchanged with other programs, read and written in one place: spreadsheet and CSV
imports and exports, X12 (x12.py: segments and envelopes; x12_835.py: the 835 remittance read into
a ``Remittance``). Knows nothing of the rules; the services check what it reads."""
