"""Staff screens of the privacy core: retention and the archive, the access log, its monthly
review and the quarterly self-audit reports."""
