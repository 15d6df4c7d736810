"""Ground-level security: keys, field encryption, blind indexes, passwords, masking."""
