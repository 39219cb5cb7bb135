"""Reader processes: the parent's pool, the child's worker and the protocol between them."""
