"""Collections: the worklist, stages and letters, contacts, promises, plans, fees, agency."""
