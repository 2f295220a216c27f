"""Growing a library: source documents' texts and references (no Qt; the app's dialogs and the
command line both use it)."""
