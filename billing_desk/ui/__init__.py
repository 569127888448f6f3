"""The window: Qt widgets, dialogs and table models. Calls the services; no SQL here."""
