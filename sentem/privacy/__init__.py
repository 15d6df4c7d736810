"""The privacy core: the registry of what the policy promises, and what keeps it."""
